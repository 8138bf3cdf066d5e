/**
 * Realtime benchmark, each figure beside a bare Socket.IO server with the same adapter
 * (bench/bare-server.ts) measured in the same run:
 *   1. fan-out: one member of a group of --members connected members sends; the time until
 *      the last member has message.created (one message at a time), and deliveries/s over
 *      a burst of messages sent back to back;
 *   2. memory per idle socket: a fresh server's RSS (and V8 heap, after a full GC) before
 *      and after --idle-sockets sockets connect, one per user.
 *
 *   npm run bench:realtime -- --members 1000 --messages 20 --burst 50 --idle-sockets 5000
 */
import { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { Socket } from 'socket.io-client';
import { accessToken, closeSockets, connectSockets, createScratchDatabase, deleteRedisKeys, dropDatabase, fmt, parseOptions, pct, REDIS_URL, rssKb, seedGroup, seedUsers, sleep, spawnApi, spawnServer, stopProcess } from './support';

const options = parseOptions({ members: 1000, messages: 20, warmup: 5, burst: 50, 'idle-sockets': 5000, batch: 200, 'settle-ms': 2000, port: 3997 });
const MEMBERS = options.members;
const MESSAGES = options.messages;
const WARMUP = options.warmup;
const BURST = options.burst;
const IDLE_SOCKETS = options['idle-sockets'];
const BATCH = options.batch;
const SETTLE_MS = options['settle-ms'];
const PORT = options.port;
const BARE_PORT = PORT + 1;
/** A delivery that has not arrived by then is reported missing instead of waited for. */
const DELIVERY_TIMEOUT_MS = 15000;
const TARGET_KB = 30;

// One member sends every message: the default per-user send limit (10/s, bursts of 20) would refuse most of them.
const SEND_LIMITS = { WS_SEND_RATE_PER_SECOND: '1000', WS_SEND_BURST: String(Math.max(1000, WARMUP + MESSAGES + BURST)) };
const PROBE_ARGS = ['--expose-gc', '-r', path.join(__dirname, 'memory-probe.js')];

interface Ack {
  ok: boolean;
  error?: { code: string };
}

interface MessageCreated {
  clientMessageId: string;
}

/** Everything started so far, stopped in reverse order at the end, on failure or on Ctrl-C. */
const teardown: (() => Promise<unknown> | void)[] = [];
function untrack(step: () => Promise<unknown> | void): void {
  const i = teardown.indexOf(step);
  if (i >= 0) teardown.splice(i, 1);
}
async function runTeardown(): Promise<void> {
  for (const step of teardown.splice(0).reverse()) {
    try {
      await step();
    } catch (err) {
      console.error('cleanup step failed:', err);
    }
  }
}

/** Starts a server, runs `body` against it, stops it whatever happens. */
async function withServer<T>(start: Promise<ChildProcess>, body: (child: ChildProcess) => Promise<T>): Promise<T> {
  const child = await start;
  const stop = () => stopProcess(child);
  teardown.push(stop);
  try {
    return await body(child);
  } finally {
    untrack(stop);
    await stop();
  }
}

/** Connects, runs `body` with the sockets, closes them whatever happens. */
async function withSockets<T>(port: number, auths: object[], body: (sockets: Socket[], connectMs: number) => Promise<T>): Promise<T> {
  const t = performance.now();
  const sockets = await connectSockets(port, auths, BATCH);
  const connectMs = performance.now() - t;
  const close = () => closeSockets(sockets);
  teardown.push(close);
  try {
    return await body(sockets, connectMs);
  } finally {
    untrack(close);
    close();
  }
}

interface FanoutResult {
  connectMs: number;
  lastMember: number[];
  firstMember: number[];
  ack: number[];
  burstMs: number;
  burstDeliveries: number;
}

/** One message at a time, then a burst; every socket counts message.created, the sender's own included. */
async function fanout(sockets: Socket[], conversationId: string, tag: string, connectMs: number): Promise<FanoutResult> {
  const pending = new Map<string, { count: number; firstAt: number; done: () => void }>();
  const onCreated = (m: MessageCreated) => {
    const p = pending.get(m.clientMessageId);
    if (!p) return;
    p.count += 1;
    if (p.count === 1) p.firstAt = performance.now();
    if (p.count === sockets.length) p.done();
  };
  for (const s of sockets) s.on('message.created', onCreated);
  const sender = sockets[0];

  /** Sends one message; resolves with the times of the ack, the first and the last member's delivery. */
  const send = async (clientMessageId: string): Promise<{ ackAt: number; firstAt: number; lastAt: number }> => {
    let timer: NodeJS.Timeout | undefined;
    const all = new Promise<{ firstAt: number; lastAt: number }>((resolve, reject) => {
      const entry = { count: 0, firstAt: NaN, done: () => resolve({ firstAt: entry.firstAt, lastAt: performance.now() }) };
      pending.set(clientMessageId, entry);
      timer = setTimeout(() => reject(new Error(`${clientMessageId}: ${pending.get(clientMessageId)?.count}/${sockets.length} deliveries after ${DELIVERY_TIMEOUT_MS} ms`)), DELIVERY_TIMEOUT_MS);
    });
    // Awaited below; this only keeps a timeout that fires while the ack is awaited from being an unhandled rejection.
    all.catch(() => undefined);
    try {
      const ack: Ack = await sender.timeout(DELIVERY_TIMEOUT_MS).emitWithAck('message.send', { conversationId, content: `fan-out ${clientMessageId}`, clientMessageId });
      if (!ack.ok) throw new Error(`${clientMessageId} refused: ${ack.error?.code}`);
      const ackAt = performance.now();
      return { ackAt, ...(await all) };
    } finally {
      clearTimeout(timer);
      pending.delete(clientMessageId);
    }
  };

  try {
    for (let i = 0; i < WARMUP; i += 1) await send(`${tag}-w${i}`);
    const lastMember: number[] = [];
    const firstMember: number[] = [];
    const ack: number[] = [];
    for (let i = 0; i < MESSAGES; i += 1) {
      await sleep(100);
      const t0 = performance.now();
      const r = await send(`${tag}-m${i}`);
      ack.push(r.ackAt - t0);
      firstMember.push(r.firstAt - t0);
      lastMember.push(r.lastAt - t0);
    }
    await sleep(500);
    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: BURST }, (_, i) => send(`${tag}-b${i}`)));
    const burstMs = Math.max(...burst.map((r) => r.lastAt)) - t0;
    return { connectMs, lastMember, firstMember, ack, burstMs, burstDeliveries: BURST * sockets.length };
  } finally {
    for (const s of sockets) s.off('message.created', onCreated);
  }
}

interface MemoryReading {
  rssKb: number;
  heapUsed: number;
  external: number;
}

/** Full GC in the server (memory probe), then its VmRSS and V8 heap. */
function readMemory(child: ChildProcess): Promise<MemoryReading> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the memory probe did not answer')), 10000);
    child.once('message', (usage: NodeJS.MemoryUsage) => {
      clearTimeout(timer);
      try {
        resolve({ rssKb: rssKbOf(child), heapUsed: usage.heapUsed, external: usage.external });
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    child.send('memory');
  });
}

function rssKbOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('server has no pid');
  return rssKb(child.pid);
}

interface MemoryResult {
  before: MemoryReading;
  after: MemoryReading;
  sockets: number;
  connectMs: number;
}

/** Warm the server with a round of connections, measure it idle, connect every socket, let it settle, measure again. */
async function idleMemory(child: ChildProcess, port: number, authOf: (i: number) => object): Promise<MemoryResult> {
  const warm = Array.from({ length: Math.min(IDLE_SOCKETS, BATCH) }, (_, i) => authOf(i));
  await withSockets(port, warm, () => sleep(500));
  await sleep(SETTLE_MS);
  const before = await readMemory(child);
  const auths = Array.from({ length: IDLE_SOCKETS }, (_, i) => authOf(i));
  return withSockets(port, auths, async (sockets, connectMs) => {
    await sleep(SETTLE_MS);
    const after = await readMemory(child);
    return { before, after, sockets: sockets.length, connectMs };
  });
}

const row = (label: string, a: string, b: string, c = '') => console.log(`  ${label.padEnd(34)}${a.padStart(14)}${b.padStart(18)}${c.padStart(10)}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (n: number) => `${fmt(n)} ms`;
const rate = (r: FanoutResult) => (r.burstDeliveries / (r.burstMs / 1000)).toFixed(0);
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const perSocketKb = (m: MemoryResult, field: keyof MemoryReading) =>
  field === 'rssKb' ? ((m.after.rssKb - m.before.rssKb) / m.sockets).toFixed(1) : kb((m.after[field] - m.before[field]) / m.sockets);

function printFanout(api: FanoutResult, bare: FanoutResult): void {
  const sorted = (v: number[]) => [...v].sort((x, y) => x - y);
  console.log(`\n== fan-out: one message to ${MEMBERS} connected members (sender's own socket included) ==`);
  row('', 'Parley API', 'bare Socket.IO');
  row(`connect ${MEMBERS} sockets`, seconds(api.connectMs), seconds(bare.connectMs));
  for (const [name, p] of [['p50', 50], ['p99', 99], ['max', 100]] as const) {
    row(`send → last member has it   ${name}`, ms(pct(sorted(api.lastMember), p)), ms(pct(sorted(bare.lastMember), p)));
  }
  row('send → first member has it  p50', ms(pct(sorted(api.firstMember), 50)), ms(pct(sorted(bare.firstMember), 50)));
  row('send → ack                  p50', ms(pct(sorted(api.ack), 50)), ms(pct(sorted(bare.ack), 50)));
  row(`  (n=${MESSAGES} messages, one at a time)`, '', '');
  row(`burst of ${BURST}: last delivery after`, ms(api.burstMs), ms(bare.burstMs));
  row(`deliveries/s (${api.burstDeliveries} in the burst)`, rate(api), rate(bare));
}

function printMemory(api: MemoryResult, bare: MemoryResult): void {
  const mb = (k: number) => (k / 1024).toFixed(0);
  console.log(`\n== memory per idle socket, ${IDLE_SOCKETS} sockets (after − before) / ${IDLE_SOCKETS}, after a full GC ==`);
  row('', 'Parley API', 'bare Socket.IO', 'target');
  row(`connect ${IDLE_SOCKETS} sockets`, seconds(api.connectMs), seconds(bare.connectMs));
  row('RSS before → after (MB)', `${mb(api.before.rssKb)} → ${mb(api.after.rssKb)}`, `${mb(bare.before.rssKb)} → ${mb(bare.after.rssKb)}`);
  row('RSS per socket (KB)', perSocketKb(api, 'rssKb'), perSocketKb(bare, 'rssKb'), `≤ ${TARGET_KB}`);
  row('V8 heap used per socket (KB)', perSocketKb(api, 'heapUsed'), perSocketKb(bare, 'heapUsed'));
  row('external memory per socket (KB)', perSocketKb(api, 'external'), perSocketKb(bare, 'external'));
}

async function main(): Promise<void> {
  const started = performance.now();
  const name = `parley_bench_rt_${process.pid}`;
  const redisRoot = `${name}:`;
  console.log(
    `Parley realtime benchmark: fan-out to ${MEMBERS} members (${WARMUP} warm-up, ${MESSAGES} single messages, a burst of ${BURST}); ` +
      `memory of ${IDLE_SOCKETS} idle sockets; each beside a bare Socket.IO server with the same Redis streams adapter`,
  );
  console.log(`spawned API: WS_SEND_RATE_PER_SECOND=${SEND_LIMITS.WS_SEND_RATE_PER_SECOND} WS_SEND_BURST=${SEND_LIMITS.WS_SEND_BURST} (defaults 10 and 20; one member sends every message)`);
  teardown.push(() => deleteRedisKeys(redisRoot), () => dropDatabase(name));
  const url = await createScratchDatabase(name);
  const c = new Client({ connectionString: url });
  await c.connect();
  const users = await seedUsers(c, Math.max(MEMBERS, IDLE_SOCKETS));
  const conversationId = await seedGroup(c, 'bench fan-out', users.slice(0, MEMBERS));
  await c.end();
  const tokens = (n: number) => users.slice(0, n).map((u) => ({ token: accessToken(u) }));

  const api = await withServer(spawnApi({ port: PORT, url, redisPrefix: `${redisRoot}api-fanout:`, env: SEND_LIMITS }), () =>
    withSockets(PORT, tokens(MEMBERS), (sockets, connectMs) => fanout(sockets, conversationId, 'api', connectMs)),
  );
  const bare = await withServer(spawnBare(`${redisRoot}bare-fanout:`), () =>
    withSockets(BARE_PORT, users.slice(0, MEMBERS).map((userId) => ({ userId, room: 'group' })), (sockets, connectMs) => fanout(sockets, conversationId, 'bare', connectMs)),
  );
  printFanout(api, bare);

  const apiIdle = await withServer(spawnApi({ port: PORT, url, redisPrefix: `${redisRoot}api-idle:`, nodeArgs: PROBE_ARGS, ipc: true }), (child) =>
    idleMemory(child, PORT, (i) => ({ token: accessToken(users[i]) })),
  );
  // Like the API's per-user room, each socket joins a room of its own.
  const bareIdle = await withServer(spawnBare(`${redisRoot}bare-idle:`, PROBE_ARGS), (child) =>
    idleMemory(child, BARE_PORT, (i) => ({ userId: users[i], room: `user:${users[i]}` })),
  );
  printMemory(apiIdle, bareIdle);
  console.log(`\nrealtime benchmark done in ${seconds(performance.now() - started)}`);
}

function spawnBare(redisPrefix: string, nodeArgs: string[] = []): Promise<ChildProcess> {
  return spawnServer({ script: path.join(__dirname, 'bare-server.js'), port: BARE_PORT, nodeArgs, ipc: nodeArgs.length > 0, env: { REDIS_URL, REDIS_KEY_PREFIX: redisPrefix } });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void runTeardown().finally(() => process.exit(130));
  });
}

void main()
  .then(
    () => 0,
    (err: unknown) => {
      console.error(err);
      return 1;
    },
  )
  .then(async (code) => {
    await runTeardown();
    process.exit(code);
  });
