import request from 'supertest';
import { Socket } from 'socket.io-client';
import { bearer, expectError, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, emitAck, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

interface Presence {
  userId: string;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
}

describe('presence across devices and nodes (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let watcher: RegisteredUser;
  let subject: RegisteredUser;
  let stranger: RegisteredUser;
  const sockets: Socket[] = [];
  const track = (s: Socket) => {
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('presence')}:` };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    [watcher, subject, stranger] = await Promise.all([registerUser(a.url), registerUser(a.url), registerUser(a.url)]);
    await request(a.url).post('/v1/conversations/direct').set(...bearer(watcher.accessToken)).send({ userId: subject.id }).expect(201);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const presenceOf = async (ids: string[]) =>
    (await request(a.url).get('/v1/presence').query({ userIds: ids.join(',') }).set(...bearer(watcher.accessToken)).expect(200)).body as Presence[];

  it('is online while any device on any node is connected, offline with lastSeenAt after the last one, told to direct partners only', async () => {
    const w = track(await connect(a.url, { token: watcher.accessToken }));
    const s = track(await connect(b.url, { token: stranger.accessToken }));
    const strangerGot: Presence[] = [];
    s.on('presence', (p: Presence) => strangerGot.push(p));
    const seen: Presence[] = [];
    w.on('presence', (p: Presence) => {
      if (p.userId === subject.id) seen.push(p);
    });

    const online = nextEvent<Presence>(w, 'presence');
    const phone = await connect(a.url, { token: subject.accessToken });
    expect(await online).toEqual({ userId: subject.id, status: 'online', lastSeenAt: null });
    const laptop = await connect(b.url, { token: subject.accessToken });
    expect(await presenceOf([subject.id, stranger.id])).toEqual([
      { userId: subject.id, status: 'online', lastSeenAt: null },
      // Online too, but the watcher shares no conversation with her: she looks never seen.
      { userId: stranger.id, status: 'offline', lastSeenAt: null },
    ]);

    phone.close();
    await emitAck(laptop, 'me');
    await new Promise((r) => setTimeout(r, 300));
    expect((await presenceOf([subject.id]))[0].status).toBe('online');

    const offline = nextEvent<Presence>(w, 'presence');
    laptop.close();
    const off = await offline;
    expect(off).toMatchObject({ userId: subject.id, status: 'offline' });
    expect(Date.parse(off.lastSeenAt ?? '')).toBeGreaterThan(Date.now() - 10_000);
    expect(await presenceOf([subject.id])).toEqual([off]);
    // One online and one offline event: the second device changed nothing.
    expect(seen.map((p) => p.status)).toEqual(['online', 'offline']);
    await emitAck(s, 'me');
    expect(strangerGot).toEqual([]);
  });

  it('shows presence only to people who share a conversation, unless one blocked the other; strangers look never seen', async () => {
    const [friend, blocker] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
    await request(a.url).post('/v1/conversations/direct').set(...bearer(friend.accessToken)).send({ userId: stranger.id }).expect(201);
    await request(a.url).post('/v1/conversations/direct').set(...bearer(blocker.accessToken)).send({ userId: stranger.id }).expect(201);
    await request(a.url).put(`/v1/users/me/blocks/${stranger.id}`).set(...bearer(blocker.accessToken)).expect(204);
    const blockerSocket = track(await connect(b.url, { token: blocker.accessToken }));
    const blockerGot: Presence[] = [];
    blockerSocket.on('presence', (p: Presence) => blockerGot.push(p));
    const friendSocket = track(await connect(b.url, { token: friend.accessToken }));
    const friendSees = nextEvent<Presence>(friendSocket, 'presence', 3000, (p) => p.userId === stranger.id && p.status === 'online');
    track(await connect(a.url, { token: stranger.accessToken }));
    await friendSees;
    const ask = async (who: RegisteredUser) =>
      (await request(a.url).get('/v1/presence').query({ userIds: stranger.id }).set(...bearer(who.accessToken)).expect(200)).body as Presence[];
    expect(await ask(friend)).toEqual([{ userId: stranger.id, status: 'online', lastSeenAt: null }]);
    // The blocker, and someone who shares nothing with her (the watcher), see what they would for a user never seen.
    expect(await ask(blocker)).toEqual([{ userId: stranger.id, status: 'offline', lastSeenAt: null }]);
    expect(await ask(watcher)).toEqual([{ userId: stranger.id, status: 'offline', lastSeenAt: null }]);
    expect(blockerGot.filter((p) => p.userId === stranger.id)).toEqual([]);
  });

  it('validates userIds: 1–100 distinct UUIDs, and needs a token', async () => {
    const auth = bearer(watcher.accessToken);
    expectError(await request(a.url).get('/v1/presence').set(...auth), 400, 'VALIDATION_FAILED');
    expectError(await request(a.url).get('/v1/presence?userIds=nope').set(...auth), 400, 'VALIDATION_FAILED');
    const many = Array.from({ length: 101 }, (_, i) => `0190c7c0-0000-7000-8000-${String(i).padStart(12, '0')}`);
    expectError(await request(a.url).get('/v1/presence').query({ userIds: many.join(',') }).set(...auth), 400, 'VALIDATION_FAILED');
    expectError(await request(a.url).get(`/v1/presence?userIds=${subject.id}`), 401, 'UNAUTHENTICATED');
    const never = await request(a.url).get(`/v1/presence?userIds=${many[0]}`).set(...auth).expect(200);
    expect(never.body).toEqual([{ userId: many[0], status: 'offline', lastSeenAt: null }]);
  });
});
