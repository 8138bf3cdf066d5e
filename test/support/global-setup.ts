import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ensureDatabase, runMigrationsLocked } from '../../src/database/migrate';
import { assertTestDatabase, databaseUrl, TEST_REDIS_URL, uniqueName } from './test-env';

/** One fresh database per test run, migrated once; test files share it with unique data. */
export default async function globalSetup(): Promise<void> {
  const name = uniqueName('parley_test');
  const url = databaseUrl(name);
  assertTestDatabase(url);
  await ensureDatabase(url);
  const ds = new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: url })), extra: { max: 2 } });
  await ds.initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();
  process.env.PARLEY_TEST_DATABASE_URL = url;
  process.env.PARLEY_TEST_REDIS_PREFIX = `${name}:`;
  process.env.PARLEY_TEST_REDIS_URL = TEST_REDIS_URL;
  // One signing key for every app and process of the run (nodes of one cluster must share it).
  process.env.PARLEY_TEST_JWT_SECRET = randomBytes(32).toString('hex');
}
