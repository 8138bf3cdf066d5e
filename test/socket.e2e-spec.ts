import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { userRoom } from '../src/common/ws/ws-auth';
import { ConnectionGateway } from '../src/modules/realtime/connection.gateway';
import { bearer, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, connectError, emitAck, nextEvent } from './support/socket';

describe('Socket.IO (e2e)', () => {
  let t: TestApp;
  let user: RegisteredUser;
  const open: Socket[] = [];
  const track = (s: Socket): Socket => {
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startApp();
    user = await registerUser(t.url, { displayName: 'Socket User' });
  });
  afterEach(() => {
    while (open.length) open.pop()?.close();
  });
  afterAll(async () => {
    await t.close();
  });

  it('authenticates with auth.token and answers `me` through the same query as REST', async () => {
    const socket = track(await connect(t.url, { token: user.accessToken }));
    const ack = await emitAck(socket, 'me', {});
    const rest = await request(t.url).get('/v1/users/me').set(...bearer(user.accessToken)).expect(200);
    expect(ack).toEqual({ ok: true, data: rest.body });
    // No payload at all is the same as an empty object.
    expect(await emitAck(socket, 'me')).toEqual({ ok: true, data: rest.body });
  });

  it('answers bad event input with the error envelope in the ack, and keeps the socket usable', async () => {
    const socket = track(await connect(t.url, { token: user.accessToken }));
    const ack = await emitAck(socket, 'me', { unexpected: 1 });
    expect(ack.ok).toBe(false);
    expect(ack.error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'property unexpected should not exist',
      details: [{ field: 'unexpected', message: 'property unexpected should not exist' }],
      requestId: expect.any(String),
    });
    expect((await emitAck(socket, 'me', 'not an object')).error?.code).toBe('VALIDATION_FAILED');
    expect((await emitAck(socket, 'me', {})).ok).toBe(true);
  });

  it.each([
    ['no token', {}],
    ['a malformed token', { token: 'garbage' }],
    ['a token signed with another key', { token: new JwtService().sign({ sub: 'x', sid: 'y', role: 'user', typ: 'access' }, { secret: 'another-secret-another-secret-another' }) }],
  ])('refuses %s with connect_error carrying the envelope', async (_name, opts) => {
    const err = await connectError(t.url, opts);
    expect(err.message).toBe('UNAUTHENTICATED');
    expect(err.data).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String), requestId: expect.any(String) } });
  });

  it('refuses an expired token', async () => {
    const expired = new JwtService().sign(
      { sub: user.id, sid: '0190c7c0-0000-7000-8000-000000000000', role: 'user', typ: 'access', exp: Math.floor(Date.now() / 1000) - 5 },
      { secret: t.config.auth.accessSecret },
    );
    const err = await connectError(t.url, { token: expired });
    expect(err.message).toBe('UNAUTHENTICATED');
    expect(err.data?.error.message).toMatch(/expired/);
  });

  it('refuses a token passed in the query string, even a valid one', async () => {
    const err = await connectError(t.url, { query: { token: user.accessToken } });
    expect(err.message).toBe('UNAUTHENTICATED');
    expect(err.data?.error.message).toMatch(/query/);
    const both = await connectError(t.url, { token: user.accessToken, query: { access_token: user.accessToken } });
    expect(both.message).toBe('UNAUTHENTICATED');
  });

  it('refuses the access token of a session that has logged out', async () => {
    const u = await registerUser(t.url);
    await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken }).expect(204);
    const err = await connectError(t.url, { token: u.accessToken });
    expect(err.message).toBe('UNAUTHENTICATED');
  });

  it('disconnects the sockets of a session when it logs out, and only those', async () => {
    const u = await registerUser(t.url);
    const other = await request(t.url).post('/v1/auth/login').send({ login: u.username, password: u.password }).expect(200);
    const ending = track(await connect(t.url, { token: u.accessToken }));
    const staying = track(await connect(t.url, { token: other.body.accessToken }));
    const gone = new Promise<string>((resolve) => ending.once('disconnect', resolve));
    await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken }).expect(204);
    expect(await gone).toBe('io server disconnect');
    expect((await emitAck(staying, 'me')).ok).toBe(true);
  });

  it('closes a socket whose session ended while its handshake was under way', async () => {
    const u = await registerUser(t.url);
    // Hold this handshake after the token check, until the session has ended.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reachedHold!: () => void;
    const atHold = new Promise<void>((resolve) => (reachedHold = resolve));
    t.app.get(ConnectionGateway).server.use((socket, next) => {
      if ((socket.handshake.auth as { hold?: boolean }).hold !== true) return next();
      reachedHold();
      void held.then(() => next());
    });
    // A socket of the same session that is already in: its disconnect shows the logout's broadcast has passed.
    const inside = track(await connect(t.url, { token: u.accessToken }));
    const insideGone = new Promise<string>((resolve) => inside.once('disconnect', resolve));
    const socket = track(io(t.url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: u.accessToken, hold: true } }));
    await atHold;
    await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken }).expect(204);
    expect(await insideGone).toBe('io server disconnect');
    const gone = new Promise<string>((resolve, reject) => {
      socket.once('disconnect', resolve);
      setTimeout(() => reject(new Error('the socket of the ended session stayed connected')), 3000);
    });
    release();
    expect(await gone).toBe('io server disconnect');
  });

  it('joins every device of a user to the user room, and only that user', async () => {
    const other = await registerUser(t.url);
    const phone = track(await connect(t.url, { token: user.accessToken }));
    const laptop = track(await connect(t.url, { token: user.accessToken }));
    const stranger = track(await connect(t.url, { token: other.accessToken }));
    let strangerGot = false;
    stranger.on('ping.test', () => {
      strangerGot = true;
    });

    const phoneGot = nextEvent<{ n: number }>(phone, 'ping.test');
    const laptopGot = nextEvent<{ n: number }>(laptop, 'ping.test');
    t.app.get(ConnectionGateway).server.to(userRoom(user.id)).emit('ping.test', { n: 1 });
    expect(await phoneGot).toEqual({ n: 1 });
    expect(await laptopGot).toEqual({ n: 1 });
    // A round trip on the stranger's socket orders after the broadcast.
    await emitAck(stranger, 'me');
    expect(strangerGot).toBe(false);
  });
});
