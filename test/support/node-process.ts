import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface NodeProcess {
  url: string;
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Starts an API node as its own process (see api-process.ts) against the run's test database and Redis. */
export async function startNodeProcess(env: Record<string, string>): Promise<NodeProcess> {
  const databaseUrl = process.env.PARLEY_TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('PARLEY_TEST_DATABASE_URL is not set: run the e2e tests through jest (global setup)');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'api-process.ts')], {
    cwd: path.join(__dirname, '../..'),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      REDIS_URL: process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'error',
      JWT_ACCESS_SECRET: process.env.PARLEY_TEST_JWT_SECRET ?? '',
      MIGRATIONS_RUN: 'false',
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      SHUTDOWN_DRAIN_MS: '0',
      PRESENCE_OFFLINE_DELAY_MS: '0',
      MAX_CONCURRENT_REQUESTS_PER_USER: '1000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('API process did not start within 30 s')), 30000);
    child.once('exit', (code, signal) => reject(new Error(`API process exited before listening (${code ?? signal})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^\{"port":(\d+)\}$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
