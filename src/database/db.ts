import { Global, Injectable, Module } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { inTransaction, withStatementRetry } from './transaction';

/** A row as the driver returns it. */
export type Row = QueryResultRow;

declare const transactionBrand: unique symbol;

/**
 * The transaction a statement joins: what Db.transaction hands its work. Opaque: the only
 * thing to do with it is pass it to a repository, which passes it to Db.
 */
export interface Tx {
  readonly [transactionBrand]: true;
}

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
      const runner = (tx as unknown as EntityManager).queryRunner as PostgresQueryRunner | undefined;
      if (!runner) throw new Error('Db.rows: the transaction has no query runner');
      const client = (await runner.connect()) as PoolClient;
      return (await client.query<T>(config)).rows;
    }
    // A statement on its own is its own transaction: run again if it lost a deadlock.
    return withStatementRetry(async () => {
      const client = await this.pool().connect();
      // A connection that breaks while checked out emits 'error' (the pool listens only while
      // it is idle): heard here, and the statement's own rejection decides its fate below.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      try {
        const { rows } = await client.query<T>(config);
        client.off('error', onError);
        client.release(broken);
        return rows;
      } catch (err) {
        client.off('error', onError);
        // An error the server answered (a SQLSTATE) leaves the connection sound, and with it
        // the statements prepared on it; anything else (a read timeout, a broken socket) may
        // not: that connection is closed, never handed out again.
        client.release(broken ?? (hasSqlState(err) ? undefined : (err as Error)));
        throw err;
      }
    });
  }

  /** The first row, or undefined. */
  async one<T extends QueryResultRow>(statement: string | Prepared, params: readonly unknown[] = [], tx?: Tx): Promise<T | undefined> {
    return (await this.rows<T>(statement, params, tx))[0];
  }

  /** Answers when PostgreSQL does (the readiness and dependency probes). */
  async ping(): Promise<void> {
    await this.rows('SELECT 1');
  }

  /** Runs `work` in one transaction (again after a lost deadlock, see inTransaction). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return inTransaction(this.dataSource, (manager) => work(manager as unknown as Tx));
  }

  /** TypeORM's own pool; gone once the data source is closed (shutting down), which callers hear as 503. */
  private pool(): Pool {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool | undefined;
    if (!pool) throw new Error('Driver not Connected');
    return pool;
  }
}

function hasSqlState(err: unknown): boolean {
  const code = pgError(err).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
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
