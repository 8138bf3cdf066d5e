import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

const READ_TIMEOUT = /Query read timeout/;

/**
 * A connection whose query hit the client-side read timeout (a PostgreSQL that stopped
 * answering) is closed, not reused: pg drops only the query, so the connection would go
 * back to the pool with that statement, and maybe an open transaction, still pending on the
 * server, and its next user would run inside it once the server answers again. Closing the
 * socket makes the client report an error, on which TypeORM releases it as broken and the
 * pool opens a fresh one.
 */
export function closeConnectionsThatTimeOut(pool: Pool): void {
  const guarded = new WeakSet<PoolClient>();
  const guard = (client: PoolClient) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if (err instanceof Error && READ_TIMEOUT.test(err.message)) {
            (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
          }
        });
      }
      return result;
    };
  };
  pool.on('connect', guard);
  for (const client of (pool as unknown as { _clients?: PoolClient[] })._clients ?? []) guard(client);
}

@Injectable()
export class DatabasePoolGuard implements OnApplicationBootstrap {
  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    closeConnectionsThatTimeOut((this.dataSource.driver as PostgresDriver).master as Pool);
  }
}
