import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { bearer, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, connectError, emitAck, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

describe('realtime limits (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let user: RegisteredUser;
  let other: RegisteredUser;
  let conversationId: string;
  const sockets: Socket[] = [];
  const track = (s: Socket) => {
    sockets.push(s);
    return s;
  };
  let n = 0;
  const cmid = () => `lim-${Date.now()}-${(n += 1)}`;

  beforeAll(async () => {
    const env = {
      REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('limits')}:`,
      WS_SEND_RATE_PER_SECOND: '1',
      WS_SEND_BURST: '3',
      WS_MAX_SOCKETS_PER_USER: '2',
      WS_ALLOWED_ORIGINS: 'https://app.example.test',
    };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    [user, other] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
    conversationId = (await request(a.url).post('/v1/conversations/direct').set(...bearer(user.accessToken)).send({ userId: other.id }).expect(201)).body.id;
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('limits message sends per user across nodes with a RATE_LIMITED ack carrying retryAfterMs, and stores none of the refused', async () => {
    const onA = track(await connect(a.url, { token: user.accessToken }));
    const onB = track(await connect(b.url, { token: user.accessToken }));
    const acks = [];
    for (const s of [onA, onB, onA, onB]) acks.push(await emitAck(s, 'message.send', { conversationId, content: 'burst', clientMessageId: cmid() }));
    expect(acks.slice(0, 3).every((x) => x.ok)).toBe(true);
    expect(acks[3].ok).toBe(false);
    expect(acks[3].error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
    const retryAfterMs = acks[3].error?.retryAfterMs ?? 0;
    expect(retryAfterMs).toBeGreaterThan(0);
    // A token bucket: one send's worth comes back per 1/rate seconds, not a whole window at once.
    expect(retryAfterMs).toBeLessThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, retryAfterMs + 20));
    const refilled = [await emitAck(onB, 'message.send', { conversationId, content: 'burst', clientMessageId: cmid() })];
    refilled.push(await emitAck(onA, 'message.send', { conversationId, content: 'burst', clientMessageId: cmid() }));
    expect(refilled.map((x) => x.ok)).toEqual([true, false]);
    const history = await request(a.url).get(`/v1/conversations/${conversationId}/messages`).set(...bearer(user.accessToken)).expect(200);
    expect(history.body.items.filter((m: { content: string }) => m.content === 'burst')).toHaveLength(4);
    // Other events have their own budget, and the socket stays usable.
    expect((await emitAck(onA, 'me')).ok).toBe(true);
  });

  it('lets a reconnect catch up on many conversations at once: sync and delivery confirmations have a burst of their own', async () => {
    const s = track(await connect(a.url, { token: user.accessToken }));
    // Well past the 60 per second that other events may burst to.
    const acks = await Promise.all(Array.from({ length: 100 }, () => emitAck(s, 'messages.sync', { conversationId, afterSeq: 0, limit: 1 })));
    expect(acks.filter((x) => !x.ok)).toEqual([]);
    const others = await Promise.all(Array.from({ length: 100 }, () => emitAck(s, 'me')));
    expect(others.filter((x) => !x.ok).length).toBeGreaterThan(0);
    expect(others.find((x) => !x.ok)?.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: expect.any(Number) });
  });

  it('caps the sockets one user may hold open, across nodes', async () => {
    const u = await registerUser(a.url);
    track(await connect(a.url, { token: u.accessToken }));
    track(await connect(b.url, { token: u.accessToken }));
    const refused = await connectError(a.url, { token: u.accessToken });
    expect(refused.message).toBe('RATE_LIMITED');
    expect(refused.data?.error.message).toMatch(/connections/);
  });

  it('holds to the cap when handshakes race on both nodes', async () => {
    const u = await registerUser(a.url);
    const tries = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => connect(i % 2 ? a.url : b.url, { token: u.accessToken })));
    for (const t of tries) if (t.status === 'fulfilled') track(t.value);
    expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(2);
  });

  it('refuses a browser origin that is not on the allowlist, and accepts one that is', async () => {
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const s = io(a.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: other.accessToken }, extraHeaders: { origin } });
        s.once('connect', () => {
          s.close();
          resolve('connected');
        });
        s.once('connect_error', () => {
          s.close();
          resolve('refused');
        });
      });
    expect(await attempt('https://evil.example.test')).toBe('refused');
    expect(await attempt('https://app.example.test')).toBe('connected');
  });

  it('disconnects a socket when its access token expires, telling it first', async () => {
    const u = await registerUser(a.url);
    const claims = JSON.parse(Buffer.from(u.accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    const shortLived = new JwtService().sign(
      { sub: claims.sub, sid: claims.sid, role: claims.role, typ: 'access', exp: Math.floor(Date.now() / 1000) + 2 },
      { secret: a.config.auth.accessSecret },
    );
    const s = track(await connect(a.url, { token: shortLived }));
    const expired = nextEvent<{ expiredAt: string }>(s, 'auth.expired', 5000);
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    expect((await expired).expiredAt).toEqual(expect.any(String));
    expect(await gone).toBe('io server disconnect');
  });

  it('drops a connection that sends a payload over the size limit', async () => {
    const s = track(await connect(a.url, { token: other.accessToken }));
    const gone = new Promise<string>((resolve) => s.once('disconnect', resolve));
    s.emit('message.send', { conversationId, content: 'x'.repeat(1_500_000), clientMessageId: cmid() });
    expect(await gone).toMatch(/transport (close|error)/);
  });
});
