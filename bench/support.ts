/**
 * What the benchmarks share: options, summaries, a scratch database with seeded users, the
 * server as its own process, access tokens and batched socket connections.
 */
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { prepareDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';

export const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A signing key of this run only: no key that is in the repository signs a token. */
export const SECRET = randomBytes(32).toString('hex');

/**
 * `--name value` options after the script name, each converted to the type of its default;
 * a name without a default is reported and ignored.
 */
export function parseOptions<T extends Record<string, string | number>>(defaults: T, argv: string[] = process.argv): T {
  const options: Record<string, string | number> = { ...defaults };
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in defaults)) {
      console.error(`${path.basename(argv[1])}: ignoring unknown option ${argv[i]} (options: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')})`);
    } else options[name] = typeof defaults[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return options as T;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
export const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
export function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${fmt(pct(s, 50))} ms  p99 ${fmt(pct(s, 99))} ms  max ${fmt(s[s.length - 1])} ms  (n=${s.length})`;
}

/** Creates the database `name` with every migration applied; returns its URL. */
export async function createScratchDatabase(name: string): Promise<string> {
  const admin = new URL(ADMIN_URL);
  admin.pathname = `/${name}`;
  const url = admin.toString();
  await prepareDatabase(loadConfig({ DATABASE_URL: url }));
  return url;
}

export async function dropDatabase(name: string): Promise<void> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

/** Users with one live session each, whose id is the user's own (see accessToken). */
export async function seedUsers(c: Client, count: number): Promise<string[]> {
  const users = Array.from({ length: count }, () => uuidv7());
  await c.query(
    `INSERT INTO users (id, username, email, display_name, password_hash)
     SELECT u, 'bench_' || n, 'bench_' || n || '@bench.test', 'Bench ' || n, 'x' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, n)`,
    [users],
  );
  await c.query(`INSERT INTO sessions (id, user_id) SELECT u, u FROM unnest($1::uuid[]) AS u`, [users]);
  return users;
}

/** A group conversation created by the first member; returns its id. */
export async function seedGroup(c: Client, name: string, members: string[]): Promise<string> {
  const id = uuidv7();
  await c.query(`INSERT INTO conversations (id, type, name, created_by) VALUES ($1, 'group', $2, $3)`, [id, name, members[0]]);
  await c.query(`INSERT INTO conversation_members (conversation_id, user_id, role) SELECT $1, u, 'member' FROM unnest($2::uuid[]) u`, [id, members]);
  return id;
}

export interface SpawnOptions {
  script: string;
  port: number;
  env: Record<string, string>;
  nodeArgs?: string[];
  /** Adds an IPC channel (for the memory probe). */
  ipc?: boolean;
}

/** Starts a node script as its own process and waits until GET /health/ready answers 200. */
export async function spawnServer({ script, port, env, nodeArgs = [], ipc = false }: SpawnOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ipc ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100 && child.exitCode === null; i += 1) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`${path.basename(script)} did not become ready`);
}

/** The Parley API (dist/src/main.js) on `url`, with the bench's secret and Redis prefix; node options from BENCH_SERVER_NODE_ARGS first. */
export function spawnApi(opts: { port: number; url: string; redisPrefix: string; env?: Record<string, string>; nodeArgs?: string[]; ipc?: boolean }): Promise<ChildProcess> {
  return spawnServer({
    script: path.join(__dirname, '../src/main.js'),
    port: opts.port,
    nodeArgs: [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), ...(opts.nodeArgs ?? [])],
    ipc: opts.ipc,
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: opts.url,
      DATABASE_POOL_SIZE: '20',
      JWT_ACCESS_SECRET: SECRET,
      REDIS_URL,
      REDIS_KEY_PREFIX: opts.redisPrefix,
      LOG_LEVEL: 'warn',
      MIGRATIONS_RUN: 'false',
      // No load balancer to drain: stop at once.
      SHUTDOWN_DRAIN_MS: '0',
      // Every bench socket connects from this machine.
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
      ...opts.env,
    },
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Resident set size of a process in KB (VmRSS of /proc/<pid>/status). */
export function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** Deletes every Redis key under `prefix` (the runs' streams, sessions, presence, rate limits). */
export async function deleteRedisKeys(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

const jwt = new JwtService();

/** An access token as the API issues it, for the session seedUsers made (its id is the user's). */
export function accessToken(userId: string): string {
  return jwt.sign({ sub: userId, sid: userId, typ: 'access' }, { secret: SECRET, expiresIn: 3600 });
}

/** Connects one socket per handshake `auth` payload, `batchSize` at a time; on any failure closes all and throws. */
export async function connectSockets(port: number, auths: object[], batchSize: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  try {
    for (let i = 0; i < auths.length; i += batchSize) {
      const batch = auths.slice(i, i + batchSize).map((auth) => {
        const s = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
        sockets.push(s);
        return new Promise<void>((resolve, reject) => {
          s.once('connect', () => resolve());
          s.once('connect_error', reject);
        });
      });
      await Promise.all(batch);
    }
    return sockets;
  } catch (err) {
    closeSockets(sockets);
    throw err;
  }
}

export function closeSockets(sockets: Socket[]): void {
  for (const s of sockets) s.close();
}
