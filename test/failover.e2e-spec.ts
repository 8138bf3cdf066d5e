import { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '../src/config/config';
import { createWorker } from '../src/worker.module';
import { bearer, registerUser, RegisteredUser } from './support/factories';
import { NodeProcess, startNodeProcess } from './support/node-process';
import { connect, nextEvent } from './support/socket';
import { startTcpProxy, TcpProxy } from './support/tcp-proxy';
import { uniqueName } from './support/test-env';

interface Msg {
  id: string;
  conversationId: string;
  seq: number;
  clientMessageId: string;
}
interface Ack<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
}
interface SyncState {
  conversationId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/**
 * Messages by conversation and seq (seq -> message id): what the server acknowledged, or what
 * a device holds. A seq seen with two different ids is a defect.
 */
class Ledger {
  readonly bySeq = new Map<string, Map<number, string>>();
  readonly conflicts: string[] = [];
  record(m: Msg): Map<number, string> {
    const conv = this.bySeq.get(m.conversationId) ?? new Map<number, string>();
    this.bySeq.set(m.conversationId, conv);
    const known = conv.get(m.seq);
    if (known !== undefined && known !== m.id) this.conflicts.push(`${m.conversationId}#${m.seq}: ${known} and ${m.id}`);
    conv.set(m.seq, m.id);
    return conv;
  }
}

/**
 * A client device that follows the README's reconnect recipe and nothing more: Socket.IO
 * reconnection (through the balancer) with `since` = the last hint's `asOf`; the conversations
 * named by `sync.required` synced from the highest seq it holds without a gap, then delivery
 * confirmed; a gap seen while connected synced once it has lasted a moment. It never polls.
 * It holds messages by seq and records any seq seen with two different ids.
 */
class Device {
  readonly socket: Socket;
  private readonly store = new Ledger();
  readonly held = this.store.bySeq;
  readonly conflicts = this.store.conflicts;
  connects = 0;
  syncRequired = 0;
  private asOf: string | undefined;
  private syncing = Promise.resolve();
  private readonly gapChecks = new Set<string>();

  constructor(
    readonly name: string,
    url: string,
    token: string,
    reconnect: boolean,
  ) {
    this.socket = io(url, {
      transports: ['websocket'],
      forceNew: true,
      auth: (cb) => cb(this.asOf ? { token, since: this.asOf } : { token }),
      reconnection: reconnect,
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
      randomizationFactor: 0,
    });
    this.socket.on('connect', () => (this.connects += 1));
    this.socket.on('message.created', (m: Msg) => this.hold(m));
    this.socket.on('sync.required', (p: { conversations: SyncState[]; asOf: string }) => {
      this.syncRequired += 1;
      this.asOf = p.asOf;
      for (const c of p.conversations) void this.queueSync(c.conversationId);
    });
  }

  connected(): Promise<void> {
    return this.socket.connected ? Promise.resolve() : new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  hold(m: Msg): void {
    const conv = this.store.record(m);
    if (m.seq > this.watermark(m.conversationId) && !this.gapChecks.has(m.conversationId)) {
      // Events can arrive out of order: sync only if the gap outlasts a moment.
      this.gapChecks.add(m.conversationId);
      setTimeout(() => {
        this.gapChecks.delete(m.conversationId);
        if ([...conv.keys()].some((seq) => seq > this.watermark(m.conversationId))) void this.queueSync(m.conversationId);
      }, 500);
    }
  }

  /** Whether this device holds every message the ledger has for the conversation, and nothing else. */
  holdsExactly(ledger: Ledger, conversationId: string): boolean {
    const want = ledger.bySeq.get(conversationId) ?? new Map<number, string>();
    const have = this.held.get(conversationId) ?? new Map<number, string>();
    return want.size === have.size && [...want].every(([seq, id]) => have.get(seq) === id);
  }

  /** The highest seq up to which this device holds every message. */
  watermark(conversationId: string): number {
    const conv = this.held.get(conversationId);
    let seq = 0;
    while (conv?.has(seq + 1)) seq += 1;
    return seq;
  }

  queueSync(conversationId: string): Promise<void> {
    this.syncing = this.syncing.then(() => this.sync(conversationId)).catch(() => undefined);
    return this.syncing;
  }

  async sync(conversationId: string): Promise<void> {
    for (;;) {
      const ack = (await this.socket.timeout(5000).emitWithAck('messages.sync', { conversationId, afterSeq: this.watermark(conversationId), limit: 100 })) as Ack<{ items: Msg[]; hasMore: boolean }>;
      if (!ack.ok || !ack.data) throw new Error(`${this.name}: messages.sync failed: ${JSON.stringify(ack.error)}`);
      for (const m of ack.data.items) this.hold(m);
      if (!ack.data.hasMore) break;
    }
    const seq = this.watermark(conversationId);
    if (seq > 0) await this.socket.timeout(5000).emitWithAck('conversation.delivered', { conversationId, seq });
  }

  /** Sends until acknowledged, retrying with the same clientMessageId as a client must after a lost ack. */
  async send(ledger: Ledger, conversationId: string, clientMessageId: string): Promise<{ attempts: number }> {
    for (let attempts = 1; attempts <= 30; attempts += 1) {
      try {
        const ack = (await this.socket.timeout(1500).emitWithAck('message.send', { conversationId, content: `${this.name} ${clientMessageId}`, clientMessageId })) as Ack<Msg>;
        if (ack.ok && ack.data) {
          ledger.record(ack.data);
          this.hold(ack.data);
          return { attempts };
        }
        throw new Error(`${this.name}: send refused: ${JSON.stringify(ack.error)}`);
      } catch (err) {
        // No ack: timed out, or the connection dropped with the send in flight.
        if (!(err instanceof Error) || !/timed out|disconnected/i.test(err.message)) throw err;
        await this.connected();
      }
    }
    throw new Error(`${this.name}: ${clientMessageId} was never acknowledged`);
  }

  close(): void {
    this.socket.close();
  }
}

/**
 * Two API processes behind a balancer; one is killed with SIGKILL mid-stream. Every message
 * the server acknowledged must end up, after the reconnect recipe and a sync, on every
 * device of every member exactly once, in seq order; nothing unacknowledged may be stored twice.
 */
describe('a node killed mid-stream (e2e, two processes)', () => {
  const prefix = `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('failover')}:`;
  // Default rate limits: each sender stays under 10 sends/s, and the recipe fits the event budget.
  const nodeEnv = { REDIS_KEY_PREFIX: prefix, PRESENCE_TTL_MS: '1500' };
  let a: NodeProcess;
  let b: NodeProcess;
  let proxy: TcpProxy;
  let worker: INestApplicationContext;
  const devices: Device[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([startNodeProcess(nodeEnv), startNodeProcess(nodeEnv)]);
    proxy = await startTcpProxy(a.url);
    worker = await createWorker(
      loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL,
        REDIS_URL: process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
        LOG_LEVEL: 'error',
        ...nodeEnv,
        PRESENCE_SWEEP_MS: '300',
      }),
    );
  }, 60000);
  afterAll(async () => {
    for (const d of devices) d.close();
    await proxy?.close();
    await worker?.close();
    await Promise.all([a?.kill(), b?.stop()]);
  });

  it('loses no acknowledged message: clients reconnect to the other node and, after sync, hold every one exactly once in seq order', async () => {
    const [ada, bob, cat, dan, eve] = await Promise.all(Array.from({ length: 5 }, () => registerUser(b.url)));
    const group = (await request(b.url).post('/v1/conversations').set(...bearer(ada.accessToken)).send({ name: 'failover', memberIds: [bob.id, cat.id, dan.id] }).expect(201)).body.id as string;
    const direct = (await request(b.url).post('/v1/conversations/direct').set(...bearer(ada.accessToken)).send({ userId: bob.id }).expect(201)).body.id as string;
    await request(b.url).post('/v1/conversations/direct').set(...bearer(dan.accessToken)).send({ userId: eve.id }).expect(201);
    const conversationsOf = new Map<RegisteredUser, string[]>([
      [ada, [group, direct]],
      [bob, [group, direct]],
      [cat, [group]],
      [dan, [group]],
    ]);

    // Through the balancer (on node A until it dies): ada's phone, bob, cat. Straight on B: ada's laptop, dan.
    const device = (name: string, user: RegisteredUser, url: string) => {
      const d = new Device(name, url, user.accessToken, true);
      devices.push(d);
      return d;
    };
    const adaPhone = device('ada-phone', ada, proxy.url);
    const bobPhone = device('bob', bob, proxy.url);
    const catPhone = device('cat', cat, proxy.url);
    const adaLaptop = device('ada-laptop', ada, b.url);
    const danLaptop = device('dan', dan, b.url);
    const userOf = new Map<Device, RegisteredUser>([
      [adaPhone, ada],
      [bobPhone, bob],
      [catPhone, cat],
      [adaLaptop, ada],
      [danLaptop, dan],
    ]);
    await Promise.all(devices.map((d) => d.connected()));
    const danTabletSession = (await request(b.url).post('/v1/auth/login').send({ login: dan.username, password: dan.password }).expect(200)).body as { accessToken: string; refreshToken: string };
    const danTablet = await connect(b.url, { token: danTabletSession.accessToken });
    // Eve is only on A and does not come back: once her socket lapses she is announced offline.
    const eveOnA = await connect(a.url, { token: eve.accessToken });
    const eveOffline = nextEvent<{ userId: string; status: string; lastSeenAt: string | null }>(danLaptop.socket, 'presence', 15000, (p) => p.userId === eve.id && p.status === 'offline');

    const ledger = new Ledger();
    let stop = false;
    let n = 0;
    const senders: [Device, string[]][] = [
      [adaPhone, [group, direct]],
      [bobPhone, [direct, group]],
      [catPhone, [group]],
      [danLaptop, [group]],
    ];
    const loops = senders.map(async ([d, convs]) => {
      for (let i = 0; !stop; i += 1) {
        await d.send(ledger, convs[i % convs.length], `${d.name}-${(n += 1)}`);
        await sleep(120);
      }
    });

    await sleep(1500);
    const sentBeforeKill = [...ledger.bySeq.values()].reduce((s, c) => s + c.size, 0);
    // One send is surely in flight when A dies: emitted, not yet acknowledged.
    const inFlight = adaPhone.send(ledger, group, 'in-flight-at-kill');
    await a.kill();
    eveOnA.close();
    proxy.target(b.url);

    await until('every device behind the balancer reconnected to B', () => [adaPhone, bobPhone, catPhone].every((d) => d.connects >= 2 && d.socket.connected));
    // Ending a session works during the failover too: its socket on B closes at once.
    const loggedOut = new Promise<string>((resolve, reject) => {
      danTablet.once('disconnect', resolve);
      setTimeout(() => reject(new Error('the logged-out session kept its socket for 2 s')), 2000);
    });
    await request(b.url).post('/v1/auth/logout').set(...bearer(danTabletSession.accessToken)).send({ refreshToken: danTabletSession.refreshToken }).expect(204);
    expect(await loggedOut).toBe('io server disconnect');
    await sleep(1500);
    stop = true;
    await Promise.all([...loops, inFlight]);

    // No blanket sync: the recipe alone (hints after the reconnect, gaps while connected) must
    // bring every device to exactly what was acknowledged. A device on B may hear of a message
    // whose event died with A only when a later one shows the gap.
    await until('every device holds exactly the acknowledged messages', () =>
      devices.every((d) => conversationsOf.get(userOf.get(d)!)!.every((c) => d.holdsExactly(ledger, c))),
    ).catch(() => undefined);

    const db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
    const stored = await db.query<{ conversation_id: string; seq: number; id: string; client_message_id: string }>(
      `SELECT conversation_id, seq::int AS seq, id, client_message_id FROM messages WHERE conversation_id = ANY($1::uuid[]) ORDER BY conversation_id, seq`,
      [[group, direct]],
    );
    await db.end();

    expect(ledger.conflicts).toEqual([]);
    expect(sentBeforeKill).toBeGreaterThan(15);
    // Every stored message was acknowledged (retries did not store twice) and vice versa; seqs are gapless.
    for (const conv of [group, direct]) {
      const rows = stored.rows.filter((r) => r.conversation_id === conv);
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(new Map(rows.map((r) => [r.seq, r.id]))).toEqual(ledger.bySeq.get(conv));
    }
    expect(stored.rows.filter((r) => r.client_message_id === 'in-flight-at-kill')).toHaveLength(1);

    // Every device holds exactly the acknowledged messages of its conversations, once each, in seq order.
    for (const d of devices) {
      expect({ device: d.name, conflicts: d.conflicts }).toEqual({ device: d.name, conflicts: [] });
      for (const conv of conversationsOf.get(userOf.get(d)!)!) {
        const held = [...(d.held.get(conv) ?? new Map<number, string>()).entries()].sort(([x], [y]) => x - y);
        expect({ device: d.name, conv, held }).toEqual({ device: d.name, conv, held: [...ledger.bySeq.get(conv)!.entries()].sort(([x], [y]) => x - y) });
      }
    }
    // The devices that lost their node came back fresh (A persisted no session to recover) and were told to sync.
    for (const d of [adaPhone, bobPhone, catPhone]) {
      expect({ device: d.name, recovered: d.socket.recovered === true, syncRequired: d.syncRequired >= 2 }).toEqual({ device: d.name, recovered: false, syncRequired: true });
    }

    // The crashed node's only user is announced offline (by the worker's sweep) once her socket lapses.
    const offline = await eveOffline;
    expect(offline.lastSeenAt).not.toBeNull();
    const presence = await request(b.url).get('/v1/presence').query({ userIds: eve.id }).set(...bearer(dan.accessToken)).expect(200);
    expect(presence.body).toEqual([{ userId: eve.id, status: 'offline', lastSeenAt: offline.lastSeenAt }]);
  }, 60000);
});
