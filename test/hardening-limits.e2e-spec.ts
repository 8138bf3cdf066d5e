import { Client } from 'pg';
import { Socket } from 'socket.io-client';
import WebSocket from 'ws';
import request from 'supertest';
import { startApp, TestApp } from './support/app';
import { bearer, expectError, registerUser } from './support/factories';
import { startOwnRedis } from './support/own-redis';
import { connect, connectError, emitAck, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const prefix = (name: string) => `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName(name)}:`;

describe('hardening: limits on every route and on reconnect churn (e2e)', () => {
  const sockets: Socket[] = [];
  const track = (s: Socket): Socket => {
    sockets.push(s);
    return s;
  };
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });

  describe('REST, per user and class, shared by the processes', () => {
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      const env = {
        REDIS_KEY_PREFIX: prefix('rest-rl'),
        RATE_LIMIT_READS_PER_MINUTE: '5',
        RATE_LIMIT_WRITES_PER_MINUTE: '3',
        RATE_LIMIT_SEARCH_PER_MINUTE: '2',
        WS_SEND_RATE_PER_SECOND: '1',
        WS_SEND_BURST: '3',
      };
      [a, b] = await Promise.all([startApp(env), startApp(env)]);
    });
    afterAll(async () => {
      await Promise.all([a.close(), b.close()]);
    });

    it('reads: RateLimit headers on every answer, then 429 with Retry-After across both processes; others keep their own budget', async () => {
      const [u, other] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
      const remaining: string[] = [];
      for (const node of [a, b, a, b, a]) {
        const res = await request(node.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);
        expect(res.headers['ratelimit-limit']).toBe('5');
        expect(res.headers['ratelimit-policy']).toBe('5;w=60');
        expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
        remaining.push(res.headers['ratelimit-remaining']);
      }
      expect(remaining).toEqual(['4', '3', '2', '1', '0']);
      const refused = await request(b.url).get('/v1/conversations').set(...bearer(u.accessToken));
      expectError(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      await request(a.url).get('/v1/users/me').set(...bearer(other.accessToken)).expect(200);
    });

    it('writes and searches have budgets of their own', async () => {
      const u = await registerUser(a.url);
      for (let i = 0; i < 3; i += 1) await request(a.url).patch('/v1/users/me').set(...bearer(u.accessToken)).send({ displayName: `Name ${i}` }).expect(200);
      expectError(await request(b.url).patch('/v1/users/me').set(...bearer(u.accessToken)).send({ displayName: 'Too many' }), 429, 'RATE_LIMITED');
      for (let i = 0; i < 2; i += 1) await request(a.url).get('/v1/search/messages?q=hello').set(...bearer(u.accessToken)).expect(200);
      expectError(await request(a.url).get('/v1/search/messages?q=hello').set(...bearer(u.accessToken)), 429, 'RATE_LIMITED');
      // Reads are counted apart from both.
      await request(a.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);
    });

    it('REST sends share one budget with message.send', async () => {
      const [u, v] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
      const conv = await request(a.url).post('/v1/conversations/direct').set(...bearer(u.accessToken)).send({ userId: v.id }).expect(201);
      const send = (node: TestApp) =>
        request(node.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(u.accessToken)).send({ content: 'hi', clientMessageId: uniqueName('s') });
      for (const node of [a, b, a]) expect((await send(node)).status).toBe(201);
      const refused = await send(b);
      expectError(refused, 429, 'RATE_LIMITED');
      expect(refused.headers['ratelimit-limit']).toBe('3');
      const socket = track(await connect(a.url, { token: u.accessToken }));
      const ack = await emitAck(socket, 'message.send', { conversationId: conv.body.id, content: 'over the socket', clientMessageId: uniqueName('s') });
      expect(ack).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      await sleep(1100);
      expect((await emitAck(socket, 'message.send', { conversationId: conv.body.id, content: 'a second later', clientMessageId: uniqueName('s') })).ok).toBe(true);
    });
  });

  describe('one user cannot take a process', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({
        REDIS_KEY_PREFIX: prefix('busy'),
        RATE_LIMIT_SEARCH_PER_MINUTE: '5',
        MAX_CONCURRENT_REQUESTS_PER_USER: '2',
        SEARCH_CONCURRENCY: '1',
        WS_MAX_CONNECTIONS_PER_ADDRESS: '4',
      });
    });
    afterAll(async () => {
      await t.close();
    });

    it('socket search counts against the same per-minute budget as REST search', async () => {
      const u = await registerUser(t.url);
      for (let i = 0; i < 3; i += 1) await request(t.url).get('/v1/search/messages?q=hello').set(...bearer(u.accessToken)).expect(200);
      const socket = track(await connect(t.url, { token: u.accessToken }));
      const acks = [];
      for (let i = 0; i < 4; i += 1) acks.push(await emitAck(socket, 'messages.search', { q: 'hello' }));
      expect(acks.map((ack) => ack.ok || ack.error?.code)).toEqual([true, true, 'RATE_LIMITED', 'RATE_LIMITED']);
    });

    it('runs at most MAX_CONCURRENT_REQUESTS_PER_USER of one user at once: a few more wait, the excess gets 429 at once; others are served', async () => {
      const [greedy, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const group = await request(t.url).post('/v1/conversations').set(...bearer(greedy.accessToken)).send({ name: 'Slow', memberIds: [other.id] }).expect(201);
      // Renames wait on the conversation's lock while a transaction of the test holds it: slow requests.
      const db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
      await db.connect();
      try {
        await db.query('BEGIN');
        await db.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [group.body.id]);
        const started = Date.now();
        const burst = Array.from({ length: 20 }, (_, i) =>
          request(t.url).patch(`/v1/conversations/${group.body.id}`).set(...bearer(greedy.accessToken)).send({ name: `Slow ${i}` }).then((r) => ({ status: r.status, body: r.body, ms: Date.now() - started })),
        );
        await sleep(400);
        // The process still serves everyone else meanwhile.
        await request(t.url).get('/v1/users/me').set(...bearer(other.accessToken)).expect(200);
        await db.query('COMMIT');
        const answers = await Promise.all(burst);
        const refused = answers.filter((r) => r.status === 429);
        // Two running and six waiting (three times the limit) go through; the other twelve are refused at once.
        expect(answers.filter((r) => r.status === 200)).toHaveLength(8);
        expect(refused).toHaveLength(12);
        for (const r of refused) {
          expect(r.body.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/at once/) });
          expect(r.ms).toBeLessThan(400);
        }
      } finally {
        await db.end();
      }
    });

    it('caps open socket connections per address before any token is seen', async () => {
      const raw = () =>
        new Promise<WebSocket | Error>((resolve) => {
          const ws = new WebSocket(`${t.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
          ws.once('open', () => resolve(ws));
          ws.once('error', () => resolve(new Error('refused')));
        });
      const opened = [await raw(), await raw(), await raw(), await raw()];
      expect(opened.every((o) => !(o instanceof Error))).toBe(true);
      expect(await raw()).toBeInstanceOf(Error);
      for (const o of opened) (o as WebSocket).close();
      await sleep(300);
      // Closed connections give their places back.
      const again = await raw();
      expect(again).not.toBeInstanceOf(Error);
      (again as WebSocket).close();
    });
  });

  it('with Redis away, each process counts on its own instead of failing every request', async () => {
    const redis = await startOwnRedis();
    const app = await startApp({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '300', REDIS_FALLBACK_AFTER_MS: '100', RATE_LIMIT_READS_PER_MINUTE: '3' });
    try {
      const u = await registerUser(app.url);
      await redis.stop();
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) statuses.push((await request(app.url).get('/v1/users/me').set(...bearer(u.accessToken))).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await app.close();
      await redis.close();
    }
  });

  describe('reconnect churn', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startApp({ WS_HANDSHAKES_PER_MINUTE: '6', PRESENCE_OFFLINE_DELAY_MS: '1000' });
    });
    afterAll(async () => {
      await t.close();
    });

    it('limits handshakes per user (connect_error RATE_LIMITED with retryAfterMs); other users are not affected', async () => {
      const [u, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      // A burst of 3 (half a minute's worth), then one per 10 s.
      for (let i = 0; i < 3; i += 1) (await connect(t.url, { token: u.accessToken })).close();
      const err = await connectError(t.url, { token: u.accessToken });
      expect(err.message).toBe('RATE_LIMITED');
      expect(err.data?.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
      track(await connect(t.url, { token: other.accessToken }));
    });

    it('a device that flaps announces online once and offline once, after it stays away', async () => {
      const [subject, contact] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      await request(t.url).post('/v1/conversations/direct').set(...bearer(contact.accessToken)).send({ userId: subject.id }).expect(201);
      const watcher = track(await connect(t.url, { token: contact.accessToken }));
      const seen: string[] = [];
      watcher.on('presence', (p: { userId: string; status: string }) => {
        if (p.userId === subject.id) seen.push(p.status);
      });
      const online = nextEvent(watcher, 'presence', 3000);
      let device = await connect(t.url, { token: subject.accessToken });
      await online;
      // Two reconnects within the offline delay (the handshake budget is 3 at once).
      for (let i = 0; i < 2; i += 1) {
        device.close();
        await sleep(100);
        device = await connect(t.url, { token: subject.accessToken });
      }
      await sleep(1500);
      expect(seen).toEqual(['online']);
      const offline = nextEvent<{ status: string; lastSeenAt: string }>(watcher, 'presence', 4000, (p) => p.status === 'offline');
      device.close();
      expect((await offline).lastSeenAt).toEqual(expect.any(String));
      await sleep(300);
      expect(seen).toEqual(['online', 'offline']);
    });
  });
});
