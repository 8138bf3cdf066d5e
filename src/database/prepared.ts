import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * Runs a hot statement as a named prepared statement on TypeORM's own pool. Planning a
 * large CTE costs about as much as running it; once prepared on a connection, PostgreSQL
 * reuses the plan. Errors are the driver's (`code`, `constraint`), not QueryFailedError.
 */
export async function queryPrepared<T extends QueryResultRow>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}

/** The PostgreSQL error code and constraint of a failed query, whichever layer threw it. */
export function pgError(err: unknown): { code?: string; constraint?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  return inner;
}
