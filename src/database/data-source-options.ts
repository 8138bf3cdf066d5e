import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { AppConfig } from '../config/config';

/**
 * One definition shared by the app, the worker, the tests and the TypeORM CLI. No entities:
 * each module's repositories hold the SQL of its tables (typed rows, hand-written migrations),
 * and TypeORM runs connections, transactions and migrations.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    entities: [],
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: { max: config.database.poolSize, application_name: 'parley', ...poolTimeouts(config) },
  };
}

/**
 * Every call to PostgreSQL ends in bounded time: opening a connection or waiting for a free
 * one, a statement (cancelled by the server), a lock wait, a transaction left idle, and a
 * server that does not answer at all (the client gives up a little after the server would
 * have cancelled). Callers map the failures to 503. Migrations run without these (they use
 * their own pool, see prepareDatabase).
 */
export function poolTimeouts(config: AppConfig): Record<string, number | boolean> {
  const { statementTimeoutMs, lockTimeoutMs, connectTimeoutMs } = config.database;
  // Search sets a statement timeout of its own; the client waits for whichever is longer.
  const longestStatementMs = Math.max(statementTimeoutMs, config.search.statementTimeoutMs);
  return {
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    lock_timeout: lockTimeoutMs,
    idle_in_transaction_session_timeout: Math.max(10_000, 5 * statementTimeoutMs),
    query_timeout: longestStatementMs + 500,
    keepAlive: true,
  };
}
