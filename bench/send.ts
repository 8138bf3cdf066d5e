/**
 * Send-path benchmark: Socket.IO sends at a fixed offered rate (open loop, latency from
 * the scheduled send time) with N connected sockets, then a closed-loop saturation run,
 * then the same run's baseline: the raw rate of the send SQL statement on the same database.
 *
 *   npm run bench -- --rate 200 --sockets 1000 --seconds 10
 */
import { JwtService } from '@nestjs/jwt';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { io, Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { prepareDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { SEND_SQL } from '../src/modules/messaging/commands/send-message/send-message.handler';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const RATES = (args.get('rate') ?? '200,500').split(',').map(Number);
const SOCKETS = Number(args.get('sockets') ?? 1000);
const SECONDS = Number(args.get('seconds') ?? 10);
const GROUP_SIZE = Number(args.get('group-size') ?? 10);
const PORT = Number(args.get('port') ?? 3999);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${fmt(pct(s, 50))} ms  p99 ${fmt(pct(s, 99))} ms  max ${fmt(s[s.length - 1])} ms  (n=${s.length})`;
}

interface World {
  users: string[];
  groups: { id: string; members: string[] }[];
}

async function seed(url: string): Promise<World> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const users = Array.from({ length: SOCKETS }, () => uuidv7());
  await c.query(
    `INSERT INTO users (id, username, email, display_name, password_hash)
     SELECT u, 'bench_' || n, 'bench_' || n || '@bench.test', 'Bench ' || n, 'x' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, n)`,
    [users],
  );
  const groups: World['groups'] = [];
  for (let i = 0; i + GROUP_SIZE <= users.length; i += GROUP_SIZE) {
    const id = uuidv7();
    const members = users.slice(i, i + GROUP_SIZE);
    await c.query(`INSERT INTO conversations (id, type, name, created_by) VALUES ($1, 'group', $2, $3)`, [id, `bench ${i}`, members[0]]);
    await c.query(`INSERT INTO conversation_members (conversation_id, user_id, role) SELECT $1, u, 'member' FROM unnest($2::uuid[]) u`, [id, members]);
    groups.push({ id, members });
  }
  await c.end();
  return { users, groups };
}

async function startServer(url: string): Promise<ChildProcess> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.join(__dirname, '../src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '20',
      JWT_ACCESS_SECRET: SECRET,
      REDIS_KEY_PREFIX: `parley_bench_${process.pid}:`,
      LOG_LEVEL: 'warn',
      MIGRATIONS_RUN: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i += 1) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/health/ready`);
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready');
}

async function connectAll(world: World): Promise<Socket[]> {
  const jwt = new JwtService();
  const sockets: Socket[] = [];
  for (let i = 0; i < world.users.length; i += 100) {
    const batch = world.users.slice(i, i + 100).map(
      (userId) =>
        new Promise<Socket>((resolve, reject) => {
          const token = jwt.sign({ sub: userId, role: 'user', sid: randomUUID(), typ: 'access' }, { secret: SECRET, expiresIn: 3600 });
          const s = io(`http://127.0.0.1:${PORT}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

interface Ack {
  ok: boolean;
  data?: { clientMessageId: string };
}

async function openLoop(world: World, socketOf: Map<string, Socket>, rate: number, seconds: number) {
  const scheduled = new Map<string, number>();
  const ackLat: number[] = [];
  const deliveryLat: number[] = [];
  let errors = 0;
  let acked = 0;
  const onCreated = (m: { clientMessageId: string; senderId: string }, receiver: string) => {
    const t = scheduled.get(m.clientMessageId);
    if (t !== undefined && receiver !== m.senderId) deliveryLat.push(performance.now() - t);
  };
  const listeners: [Socket, (m: { clientMessageId: string; senderId: string }) => void][] = [];
  for (const [userId, s] of socketOf) {
    const fn = (m: { clientMessageId: string; senderId: string }) => onCreated(m, userId);
    s.on('message.created', fn);
    listeners.push([s, fn]);
  }
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    while (sent < due) {
      const at = t0 + (sent / rate) * 1000;
      const g = world.groups[sent % world.groups.length];
      const sender = g.members[Math.floor(Math.random() * g.members.length)];
      const clientMessageId = `b${rate}-${seconds}-${sent}`;
      scheduled.set(clientMessageId, at);
      socketOf
        .get(sender)!
        .timeout(30000)
        .emitWithAck('message.send', { conversationId: g.id, content: `bench message ${sent} at ${rate}/s`, clientMessageId })
        .then((ack: Ack) => {
          if (ack.ok) {
            acked += 1;
            ackLat.push(performance.now() - at);
          } else errors += 1;
        })
        .catch(() => {
          errors += 1;
        });
      sent += 1;
    }
    await sleep(1);
  }
  const wall = (performance.now() - t0) / 1000;
  const deadline = performance.now() + 10000;
  while (acked + errors < total && performance.now() < deadline) await sleep(20);
  await sleep(500);
  for (const [s, fn] of listeners) s.off('message.created', fn);
  return { total, acked, errors, wall, ackLat, deliveryLat, expectedDeliveries: acked * (GROUP_SIZE - 1) };
}

/** Runs `concurrency` workers back to back for `seconds`; each call of `op` that returns true counts. Returns ops/s. */
async function closedLoopRate(concurrency: number, seconds: number, op: (worker: number, i: number) => Promise<boolean>): Promise<number> {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < end; i += 1) if (await op(w, i)) done += 1;
    }),
  );
  return done / seconds;
}

function closedLoop(world: World, socketOf: Map<string, Socket>, concurrency: number, seconds: number): Promise<number> {
  return closedLoopRate(concurrency, seconds, async (w, i) => {
    const g = world.groups[(w * 7 + i) % world.groups.length];
    const sender = g.members[(w + i) % g.members.length];
    const ack: Ack = await socketOf.get(sender)!.timeout(30000).emitWithAck('message.send', {
      conversationId: g.id,
      content: `saturation ${w}-${i}`,
      clientMessageId: `s${w}-${i}-${Date.now()}`,
    });
    return ack.ok;
  });
}

async function rawSqlRate(url: string, world: World, concurrency: number, seconds: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  const rate = await closedLoopRate(concurrency, seconds, async (w, i) => {
    const g = world.groups[(w * 13 + i) % world.groups.length];
    const sender = g.members[(w + i) % g.members.length];
    await pool.query({ name: 'raw_send', text: SEND_SQL, values: [g.id, sender, uuidv7(), `raw${w}-${i}-${Date.now()}`, `raw ${w} ${i}`, null] });
    return true;
  });
  await pool.end();
  return rate;
}

async function main(): Promise<void> {
  const name = `parley_bench_${process.pid}`;
  const admin = new URL(ADMIN_URL);
  admin.pathname = `/${name}`;
  const url = admin.toString();
  console.log(`Parley send benchmark: ${SOCKETS} sockets, groups of ${GROUP_SIZE}, ${SECONDS}s per rate, rates ${RATES.join(', ')} msg/s`);
  await prepareDatabase(loadConfig({ DATABASE_URL: url }));
  const world = await seed(url);
  const server = await startServer(url);
  try {
    const t = performance.now();
    const sockets = await connectAll(world);
    console.log(`connected ${sockets.length} authenticated sockets in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const socketOf = new Map(world.users.map((u, i) => [u, sockets[i]]));
    // Warm-up (not reported): JIT, prepared statements on every pooled connection, caches.
    await openLoop(world, socketOf, 100, 3);
    for (const rate of RATES) {
      const r = await openLoop(world, socketOf, rate, SECONDS);
      console.log(`\n== offered ${rate} msg/s for ${SECONDS}s (open loop) ==`);
      console.log(`  achieved      ${(r.acked / r.wall).toFixed(0)} msg/s acked (${r.acked}/${r.total}, ${r.errors} errors)`);
      console.log(`  send→ack      ${summary(r.ackLat)}`);
      console.log(`  send→delivery ${summary(r.deliveryLat)}  (${r.deliveryLat.length}/${r.expectedDeliveries} deliveries)`);
    }
    const saturated = await closedLoop(world, socketOf, 64, 5);
    for (const s of sockets) s.close();
    const raw = await rawSqlRate(url, world, 16, 5);
    console.log(`\n== saturation ==`);
    console.log(`  persisted sends over Socket.IO (64 in flight, API pool of 20 connections): ${saturated.toFixed(0)} msg/s`);
    console.log(`  raw send SQL statement (prepared, 16 connections, no app): ${raw.toFixed(0)} tx/s`);
    console.log(`  ratio: ${((saturated / raw) * 100).toFixed(0)} % of the raw SQL rate`);
  } finally {
    server.kill('SIGTERM');
    await sleep(500);
    const c = new Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
