import { Global, Injectable, Module } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { inTransaction, withStatementRetry } from './transaction';

/** The transaction a statement joins: what Db.transaction hands its work. */
export type Tx = EntityManager;

/**
 * A statement PostgreSQL plans once per connection and reuses: for hot statements whose
 * planning costs about as much as running them (the send).
 */
export interface Prepared {
  name: string;
  text: string;
}

export const prepared = (name: string, text: string): Prepared => ({ name, text });

/**
 * The one way repositories run SQL: typed rows of one statement, in the caller's transaction
 * when one is given (prepared statements too), else on a connection of its own. Errors are
 * the driver's, with `code` and `constraint` (see pgError).
 */
@Injectable()
export class Db {
  constructor(private readonly dataSource: DataSource) {}

  async rows<T extends QueryResultRow>(statement: string | Prepared, params: readonly unknown[] = [], tx?: Tx): Promise<T[]> {
    const config = typeof statement === 'string' ? { text: statement, values: [...params] } : { name: statement.name, text: statement.text, values: [...params] };
    if (tx) {
      const runner = tx.queryRunner as PostgresQueryRunner | undefined;
      if (!runner) throw new Error('Db.rows: the transaction has no query runner');
      const client = (await runner.connect()) as PoolClient;
      return (await client.query<T>(config)).rows;
    }
    // A statement on its own is its own transaction: run again if it lost a deadlock.
    return withStatementRetry(async () => (await this.pool().query<T>(config)).rows);
  }

  /** The first row, or undefined. */
  async one<T extends QueryResultRow>(statement: string | Prepared, params: readonly unknown[] = [], tx?: Tx): Promise<T | undefined> {
    return (await this.rows<T>(statement, params, tx))[0];
  }

  /** Runs `work` in one transaction (again after a lost deadlock, see inTransaction). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, work);
  }

  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }
}

/** The PostgreSQL error code and constraint of a failed statement, whichever layer threw it. */
export function pgError(err: unknown): { code?: string; constraint?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  return inner;
}

@Global()
@Module({ providers: [Db], exports: [Db] })
export class DatabaseModule {}
