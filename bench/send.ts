/**
 * Send-path benchmark: Socket.IO sends at a fixed offered rate (open loop, latency from
 * the scheduled send time) with N connected sockets, then a closed-loop saturation run,
 * then the same run's baseline: the raw rate of the send SQL statement on the same database.
 *
 *   npm run bench:send -- --rate 200 --sockets 1000 --seconds 10
 */
import { ChildProcess } from 'node:child_process';
import { Client, Pool } from 'pg';
import { Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import { SEND_STATEMENT } from '../src/modules/messaging/repositories/messages.repository';
import { accessToken, closeSockets, connectSockets, createScratchDatabase, deleteRedisKeys, dropDatabase, parseOptions, seedGroup, seedUsers, sleep, spawnApi, stopProcess, summary } from './support';

const options = parseOptions({ rate: '200,500', sockets: 1000, seconds: 10, 'group-size': 10, port: 3999 });
const RATES = options.rate.split(',').map(Number);
const SOCKETS = options.sockets;
const SECONDS = options.seconds;
const GROUP_SIZE = options['group-size'];
const PORT = options.port;

interface World {
  users: string[];
  groups: { id: string; members: string[] }[];
}

async function seed(url: string): Promise<World> {
  const c = new Client({ connectionString: url });
  await c.connect();
  const users = await seedUsers(c, SOCKETS);
  const groups: World['groups'] = [];
  for (let i = 0; i + GROUP_SIZE <= users.length; i += GROUP_SIZE) {
    const members = users.slice(i, i + GROUP_SIZE);
    groups.push({ id: await seedGroup(c, `bench ${i}`, members), members });
  }
  await c.end();
  return { users, groups };
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
    await pool.query({ name: 'raw_send', text: SEND_STATEMENT.text, values: [g.id, sender, uuidv7(), `raw${w}-${i}-${Date.now()}`, `raw ${w} ${i}`, null] });
    return true;
  });
  await pool.end();
  return rate;
}

async function main(): Promise<void> {
  const name = `parley_bench_${process.pid}`;
  console.log(`Parley send benchmark: ${SOCKETS} sockets, groups of ${GROUP_SIZE}, ${SECONDS}s per rate, rates ${RATES.join(', ')} msg/s`);
  let server: ChildProcess | undefined;
  try {
    const url = await createScratchDatabase(name);
    const world = await seed(url);
    server = await spawnApi({ port: PORT, url, redisPrefix: `${name}:` });
    const t = performance.now();
    const sockets = await connectSockets(PORT, world.users.map((u) => ({ token: accessToken(u) })), 100);
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
    closeSockets(sockets);
    const raw = await rawSqlRate(url, world, 16, 5);
    console.log(`\n== saturation ==`);
    console.log(`  persisted sends over Socket.IO (64 in flight, API pool of 20 connections): ${saturated.toFixed(0)} msg/s`);
    console.log(`  raw send SQL statement (prepared, 16 connections, no app): ${raw.toFixed(0)} tx/s`);
    console.log(`  ratio: ${((saturated / raw) * 100).toFixed(0)} % of the raw SQL rate`);
  } finally {
    if (server) await stopProcess(server);
    await dropDatabase(name);
    await deleteRedisKeys(`${name}:`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
