import { EntityManager } from 'typeorm';

/**
 * Runs SQL and returns its rows whatever the statement: TypeORM answers UPDATE and
 * DELETE on PostgreSQL as [rows, affectedCount] but SELECT and INSERT as rows.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}
