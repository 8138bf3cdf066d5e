import { JwtService } from '@nestjs/jwt';
import argon2 from 'argon2';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApp, TestApp } from './support/app';
import { bearer, expectError, registerUser, RegisteredUser } from './support/factories';
import { startOwnRedis } from './support/own-redis';
import { connect, ConnectError, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

/** The key earlier builds signed with when JWT_ACCESS_SECRET was unset: it is in the repository's history. */
const PUBLISHED_SECRET = 'parley-development-only-secret-change-me-0123456789';

interface Packet {
  type: number;
  data?: unknown[];
}

/** A raw client that presents whatever handshake it is given and records every packet it receives. */
function rawClient(url: string, auth: Record<string, unknown>): { socket: Socket; packets: Packet[]; outcome: Promise<'connected' | ConnectError> } {
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth });
  const packets: Packet[] = [];
  socket.io.on('packet', (p: Packet) => packets.push(p));
  const outcome = new Promise<'connected' | ConnectError>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err: ConnectError) => resolve(err));
  });
  return { socket, packets, outcome };
}

const eventsNamed = (packets: Packet[], name: string) => packets.filter((p) => p.type === 2 && Array.isArray(p.data) && p.data[0] === name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hardening: sessions and credentials (e2e)', () => {
  let t: TestApp;
  let db: DataSource;
  const open: Socket[] = [];
  const track = (s: Socket): Socket => {
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startApp();
    db = t.app.get(DataSource);
  });
  afterEach(() => {
    while (open.length) open.pop()?.close();
  });
  afterAll(async () => {
    await t.close();
  });

  async function directPair(): Promise<{ a: RegisteredUser; b: RegisteredUser; conversationId: string }> {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const conv = await request(t.url).post('/v1/conversations/direct').set(...bearer(a.accessToken)).send({ userId: b.id }).expect(201);
    return { a, b, conversationId: conv.body.id };
  }

  const send = (u: RegisteredUser, conversationId: string, content: string) =>
    request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(u.accessToken)).send({ content, clientMessageId: uniqueName('c') }).expect(201);

  describe('no Socket.IO session is resumed past the token check', () => {
    it('a logged-out device that kept its session id receives nothing sent after the logout', async () => {
      const { a, b, conversationId } = await directPair();
      const device = track(await connect(t.url, { token: a.accessToken }));
      const before = nextEvent(device, 'message.created');
      await send(b, conversationId, 'received before the drop');
      await before;
      // What a client keeps to resume: its session id and last offset (when the server gives them).
      const kept = device as unknown as { _pid?: string; _lastOffset?: string };
      const pid = kept._pid ?? 'a-session-id-the-server-never-gave';
      const offset = kept._lastOffset ?? '0-0';
      device.io.engine.close();
      await request(t.url).post('/v1/auth/logout').set(...bearer(a.accessToken)).send({ refreshToken: a.refreshToken }).expect(204);
      const after = await send(b, conversationId, 'sent after the logout');

      const replay = rawClient(t.url, { token: a.accessToken, pid, offset });
      track(replay.socket);
      const outcome = await replay.outcome;
      await sleep(300);
      expect(outcome).not.toBe('connected');
      expect((outcome as ConnectError).data?.error.code).toBe('UNAUTHENTICATED');
      expect(replay.packets.filter((p) => p.type === 2)).toEqual([]);
      expect(JSON.stringify(replay.packets)).not.toContain(after.body.id);
    });

    it("a socket with one user's token and another user's old session id gets only its own user's events", async () => {
      const { a, b, conversationId } = await directPair();
      const other = await registerUser(t.url);
      const device = track(await connect(t.url, { token: a.accessToken }));
      const before = nextEvent(device, 'message.created');
      await send(b, conversationId, 'received before the drop');
      await before;
      const kept = device as unknown as { _pid?: string; _lastOffset?: string };
      device.io.engine.close();
      const missed = await send(b, conversationId, 'sent while the device was away');

      // Someone else's valid token, with a's session id and offset.
      const intruder = rawClient(t.url, { token: other.accessToken, pid: kept._pid ?? 'forged-session-id', offset: kept._lastOffset ?? '0-0' });
      track(intruder.socket);
      expect(await intruder.outcome).toBe('connected');
      // a's own fresh device is the positive control: the next message does go out.
      const aAgain = track(await connect(t.url, { token: a.accessToken }));
      const delivered = nextEvent<{ id: string }>(aAgain, 'message.created', 3000, (m) => m.id !== missed.body.id);
      const next = await send(b, conversationId, 'sent after the intruder connected');
      expect((await delivered).id).toBe(next.body.id);
      await sleep(300);
      const leaked = eventsNamed(intruder.packets, 'message.created').filter((p) => JSON.stringify(p.data).includes(conversationId));
      expect(leaked).toEqual([]);
      expect(JSON.stringify(intruder.packets)).not.toContain(missed.body.id);
    });
  });

  describe('no key from the repository signs tokens', () => {
    let dataDir: string;
    let fresh: TestApp | null = null;
    beforeAll(() => {
      dataDir = mkdtempSync(path.join(tmpdir(), 'parley-data-'));
    });
    afterAll(async () => {
      await fresh?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('without JWT_ACCESS_SECRET, generates a private key in DATA_DIR, keeps it across restarts, and refuses a token forged with the published one', async () => {
      const prefix = `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('key')}:`;
      fresh = await startApp({ JWT_ACCESS_SECRET: '', DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
      expect(fresh.config.auth.accessSecretSource).toBe('data-dir');
      const keyFile = path.join(dataDir, 'jwt-access-secret');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8').trim()).toBe(fresh.config.auth.accessSecret);
      expect(fresh.config.auth.accessSecret).not.toBe(PUBLISHED_SECRET);
      expect(fresh.config.auth.accessSecret.length).toBeGreaterThanOrEqual(32);

      const u = await registerUser(fresh.url);
      const [session] = await db.query(`SELECT id FROM sessions WHERE user_id = $1`, [u.id]);
      const forged = new JwtService().sign({ sub: u.id, sid: session.id, role: 'admin', typ: 'access' }, { secret: PUBLISHED_SECRET, expiresIn: 900 });
      expectError(await request(fresh.url).get('/v1/users/me').set(...bearer(forged)), 401, 'UNAUTHENTICATED');
      await request(fresh.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);

      // A restart reads the same key: tokens it issued still work.
      await fresh.close();
      fresh = await startApp({ JWT_ACCESS_SECRET: '', DATA_DIR: dataDir, REDIS_KEY_PREFIX: prefix });
      await request(fresh.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);
    });
  });

  describe('the end of a session is decided by PostgreSQL', () => {
    const forgetCachedSessions = async () => {
      const redis = new Redis(process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
      const keys = await redis.keys(`${t.config.redis.keyPrefix}session-state:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      return keys.length;
    };

    it('a logged-out or banned session stays ended when Redis forgets it (restart, eviction)', async () => {
      const u = await registerUser(t.url);
      const banned = await registerUser(t.url);
      const admin = await registerUser(t.url);
      await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
      await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken }).expect(204);
      await request(t.url).put(`/v1/admin/users/${banned.id}/ban`).set(...bearer(admin.accessToken)).send({}).expect(200);
      expect(await forgetCachedSessions()).toBeGreaterThan(0);
      expectError(await request(t.url).get('/v1/users/me').set(...bearer(u.accessToken)), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me').set(...bearer(banned.accessToken)), 401, 'UNAUTHENTICATED');
      expect((await connect(t.url, { token: u.accessToken }).catch((e: ConnectError) => e)) as ConnectError).toMatchObject({ message: 'UNAUTHENTICATED' });
    });

    it('logout answers 204 only once every node can be told; with Redis away the session is still ended everywhere and its sockets close', async () => {
      const redis = await startOwnRedis();
      const app = await startApp({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500', REDIS_FALLBACK_AFTER_MS: '200' });
      try {
        const u = await registerUser(app.url);
        await request(app.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);
        const device = track(await connect(app.url, { token: u.accessToken }));
        const closed = new Promise<string>((resolve) => device.once('disconnect', (reason) => resolve(reason)));
        await redis.stop();
        const res = await request(app.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken });
        expectError(res, 503, 'UNAVAILABLE');
        // The revocation is committed: PostgreSQL answers for the session while Redis is away,
        // and the session's socket was closed all the same.
        expect((await db.query(`SELECT revoked_at IS NOT NULL AS ended FROM sessions WHERE user_id = $1`, [u.id]))[0].ended).toBe(true);
        expectError(await request(app.url).get('/v1/users/me').set(...bearer(u.accessToken)), 401, 'UNAUTHENTICATED');
        expect(await closed).toBe('io server disconnect');
        await redis.start();
        // The retry, with the ended session's own token, finds Redis back and answers 204.
        let retried = 0;
        for (let i = 0; i < 40 && retried !== 204; i += 1) {
          retried = (await request(app.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken })).status;
          if (retried !== 204) await sleep(250);
        }
        expect(retried).toBe(204);
        expectError(await request(app.url).get('/v1/users/me').set(...bearer(u.accessToken)), 401, 'UNAUTHENTICATED');
      } finally {
        await app.close();
        await redis.close();
      }
    });
  });

  it("a token is its session's user's only: another user's id with a valid session, or no expiry, is refused", async () => {
    const [owner, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const [session] = await db.query(`SELECT id FROM sessions WHERE user_id = $1`, [owner.id]);
    // The real token first, so the session's state is cached as live.
    await request(t.url).get('/v1/users/me').set(...bearer(owner.accessToken)).expect(200);
    const sign = (claims: object, opts: object = { expiresIn: 900 }) => new JwtService().sign({ typ: 'access', ...claims }, { secret: t.config.auth.accessSecret, ...opts });
    expectError(await request(t.url).get('/v1/users/me').set(...bearer(sign({ sub: other.id, sid: session.id }))), 401, 'UNAUTHENTICATED');
    expectError(await request(t.url).get('/v1/users/me').set(...bearer(sign({ sub: owner.id, sid: session.id }, {}))), 401, 'UNAUTHENTICATED');
    const upper = await request(t.url).get('/v1/users/me').set(...bearer(sign({ sub: owner.id.toUpperCase(), sid: session.id.toUpperCase() }))).expect(200);
    expect(upper.body.id).toBe(owner.id);
  });

  it('counts login attempts before the password check (racing ones cannot slip past) and an account once, by username or email', async () => {
    const strict = await startApp({ LOGIN_FAILURES_PER_IP_AND_NAME: '3', LOGIN_SLOWDOWN_AFTER_FAILURES: '1000', REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('race')}:` });
    try {
      const [u, v] = await Promise.all([registerUser(strict.url), registerUser(strict.url)]);
      const racing = await Promise.all(Array.from({ length: 10 }, () => request(strict.url).post('/v1/auth/login').send({ login: u.username, password: 'wrong password' })));
      expect(racing.filter((r) => r.status === 401)).toHaveLength(3);
      expect(racing.filter((r) => r.status === 429)).toHaveLength(7);
      const alternating: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        alternating.push((await request(strict.url).post('/v1/auth/login').send({ login: i % 2 ? v.email : v.username, password: 'wrong password' })).status);
      }
      expect(alternating).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await strict.close();
    }
  });

  it('a Redis that lost its keys learns the open sockets back: presence and the socket cap come back by themselves', async () => {
    const redis = await startOwnRedis();
    const app = await startApp({ REDIS_URL: redis.url, PRESENCE_TTL_MS: '1500', WS_MAX_SOCKETS_PER_USER: '1' });
    try {
      const [u, contact] = await Promise.all([registerUser(app.url), registerUser(app.url)]);
      await request(app.url).post('/v1/conversations/direct').set(...bearer(contact.accessToken)).send({ userId: u.id }).expect(201);
      track(await connect(app.url, { token: u.accessToken }));
      const presence = async () => (await request(app.url).get('/v1/presence').query({ userIds: u.id }).set(...bearer(contact.accessToken)).expect(200)).body[0].status;
      expect(await presence()).toBe('online');
      await redis.stop();
      await redis.start();
      // Every refresh (a third of PRESENCE_TTL_MS) vouches for this node's sockets again.
      let status = 'offline';
      for (let i = 0; i < 30 && status !== 'online'; i += 1) {
        await sleep(200);
        status = await presence().catch(() => 'offline');
      }
      expect(status).toBe('online');
      // And the cap counts the socket again: a second one is refused.
      expect((await connect(app.url, { token: u.accessToken }).catch((e: ConnectError) => e)) as ConnectError).toMatchObject({ message: 'RATE_LIMITED' });
    } finally {
      await app.close();
      await redis.close();
    }
  });

  it('a socket of a session that ended without its broadcast (a node that missed it) is closed within SESSION_CACHE_SECONDS', async () => {
    const quick = await startApp({ SESSION_CACHE_SECONDS: '1' });
    try {
      const u = await registerUser(quick.url);
      const device = track(await connect(quick.url, { token: u.accessToken }));
      const closed = new Promise<string>((resolve) => device.once('disconnect', (reason) => resolve(reason)));
      // Ended in the database only: no event, no marker.
      await db.query(`UPDATE sessions SET revoked_at = now() WHERE user_id = $1`, [u.id]);
      const started = Date.now();
      expect(await closed).toBe('io server disconnect');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await quick.close();
    }
  });

  it('a demoted admin can no longer moderation-delete (the role is read from the database, not the token)', async () => {
    const [owner, member, admin] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
    // A token issued while they were an admin (earlier builds wrote the role into it).
    const adminLogin = await request(t.url).post('/v1/auth/login').send({ login: admin.username, password: admin.password }).expect(200);
    admin.accessToken = adminLogin.body.accessToken;
    const group = await request(t.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name: 'Moderated', memberIds: [member.id] }).expect(201);
    const first = await send(member, group.body.id, 'first');
    const second = await send(member, group.body.id, 'second');
    // While an admin, they may (audited); once demoted, the same token may not.
    await request(t.url).delete(`/v1/messages/${first.body.id}`).set(...bearer(admin.accessToken)).expect(204);
    await db.query(`UPDATE users SET role = 'user' WHERE id = $1`, [admin.id]);
    expectError(await request(t.url).delete(`/v1/messages/${second.body.id}`).set(...bearer(admin.accessToken)), 404, 'NOT_FOUND');
    const still = await request(t.url).get(`/v1/messages/${second.body.id}`).set(...bearer(owner.accessToken)).expect(200);
    expect(still.body.content).toBe('second');
  });

  describe('passwords', () => {
    it('a password stored with older parameters is rehashed with the configured ones at login', async () => {
      const u = await registerUser(t.url);
      const old = await argon2.hash(u.password, { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
      await db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [u.id, old]);
      await request(t.url).post('/v1/auth/login').send({ login: u.username, password: u.password }).expect(200);
      const [{ password_hash: now }] = await db.query(`SELECT password_hash FROM users WHERE id = $1`, [u.id]);
      expect(now).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      await request(t.url).post('/v1/auth/login').send({ login: u.username, password: u.password }).expect(200);
    });

    it('bounds the password hashing at once: beyond the queue a login is refused with 503 and Retry-After, never queued without end', async () => {
      const busy = await startApp({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1', LOGIN_FAILURES_PER_IP_AND_NAME: '100' });
      try {
        const u = await registerUser(busy.url);
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => request(busy.url).post('/v1/auth/login').send({ login: u.username, password: u.password })),
        );
        const statuses = answers.map((r) => r.status);
        expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
        const refused = answers.filter((r) => r.status !== 200);
        expect(refused.length).toBeGreaterThan(0);
        for (const r of refused) {
          expectError(r, 503, 'UNAVAILABLE');
          expect(r.headers['retry-after']).toBe('1');
        }
      } finally {
        await busy.close();
      }
    });
  });
});
