import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { createApp } from '../../src/bootstrap';
import { closeApp } from '../../src/common/lifecycle/shutdown';
import { AppConfig, loadConfig } from '../../src/config/config';
import { assertTestDatabase } from './test-env';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

export function testJwtSecret(): string {
  const secret = process.env.PARLEY_TEST_JWT_SECRET;
  if (!secret) throw new Error('PARLEY_TEST_JWT_SECRET is not set: run the e2e tests through jest (global setup)');
  return secret;
}

/** A listening Parley app on a random port, against the run's test database and real Redis. */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('PARLEY_TEST_DATABASE_URL is not set: run the e2e tests through jest (global setup)');
  assertTestDatabase(databaseUrl);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    REDIS_URL: process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    // Each app its own namespace under the run's prefix (teardown removes the run's keys).
    REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? 'parley_test:'}${randomBytes(3).toString('hex')}:`,
    LOG_LEVEL: 'error',
    JWT_ACCESS_SECRET: testJwtSecret(),
    // Request limits have their own tests; elsewhere many users register from one address and
    // tests send in bursts.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    RATE_LIMIT_READS_PER_MINUTE: '1000000',
    RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
    RATE_LIMIT_SEARCH_PER_MINUTE: '1000000',
    WS_SEND_BURST: '1000',
    WS_HANDSHAKES_PER_MINUTE: '100000',
    MAX_CONCURRENT_REQUESTS_PER_USER: '1000',
    SEARCH_CONCURRENCY: '50',
    // Every test client connects from 127.0.0.1.
    WS_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    // Two cores shared by every suite: an event loop can stall past the production default.
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    REDIS_FALLBACK_AFTER_MS: '2000',
    // Offline at once, unless a test is about the delay.
    PRESENCE_OFFLINE_DELAY_MS: '0',
    // Nothing balances test traffic: closing needs no drain time (its own test sets one).
    SHUTDOWN_DRAIN_MS: '0',
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, config, close: () => closeApp(app) };
}
