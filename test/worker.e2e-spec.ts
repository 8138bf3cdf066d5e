import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Socket } from 'socket.io-client';
import { loadConfig } from '../src/config/config';
import { PRESENCE_QUEUE } from '../src/modules/presence';
import { IDENTITY_QUEUE, SessionPurgeProcessor } from '../src/modules/identity/sessions/session-purge.processor';
import { DataSource } from 'typeorm';
import request from 'supertest';
import { bearer } from './support/factories';
import { RealtimeEmitter } from '../src/common/ws/realtime-emitter';
import { testEventEmitter } from './support/test-events';

import { createWorker } from '../src/worker.module';
import { registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

/** The worker process: no HTTP, no gateway, yet it reaches users' sockets through Redis. */
describe('worker process (e2e)', () => {
  let api: TestApp;
  let worker: INestApplicationContext;
  let ada: RegisteredUser;
  let bob: RegisteredUser;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('worker')}:` };
    api = await startApp(env);
    worker = await createWorker(loadConfig({ NODE_ENV: 'test', DATABASE_URL: process.env.PARLEY_TEST_DATABASE_URL, REDIS_URL: process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', LOG_LEVEL: 'error', ...env }));
    [ada, bob] = await Promise.all([registerUser(api.url), registerUser(api.url)]);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  it('emits to every device of a user on the API nodes, and to nobody else', async () => {
    const [phone, laptop, other] = await Promise.all([connect(api.url, { token: ada.accessToken }), connect(api.url, { token: ada.accessToken }), connect(api.url, { token: bob.accessToken })]);
    sockets.push(phone, laptop, other);
    const stray: unknown[] = [];
    other.on('worker.ping', (p) => stray.push(p));
    const got = Promise.all([phone, laptop].map((s) => nextEvent(s, 'worker.ping')));
    testEventEmitter(worker.get(RealtimeEmitter)).toUsers([ada.id], 'worker.ping', { from: 'worker' });
    expect(await got).toEqual([{ from: 'worker' }, { from: 'worker' }]);
    expect(stray).toEqual([]);
  });

  it('schedules the presence sweep once, whichever worker starts first', async () => {
    const queue = worker.get<Queue>(getQueueToken(PRESENCE_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['presence-sweep', 10000]]);
  });

  it('purges ended sessions and expired refresh tokens, and keeps what can still be used', async () => {
    const db = api.app.get(DataSource);
    const [live, loggedOut, stale] = await Promise.all([registerUser(api.url), registerUser(api.url), registerUser(api.url)]);
    await request(api.url).post('/v1/auth/logout').set(...bearer(loggedOut.accessToken)).send({ refreshToken: loggedOut.refreshToken }).expect(204);
    // Ended longer ago than an access token lives; and a session whose every refresh token expired.
    await db.query(`UPDATE sessions SET revoked_at = now() - interval '1 hour' WHERE user_id = $1`, [loggedOut.id]);
    await db.query(`UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE session_id IN (SELECT id FROM sessions WHERE user_id = $1)`, [stale.id]);
    await db.query(`UPDATE sessions SET last_used_at = now() - interval '31 days' WHERE user_id = $1`, [stale.id]);
    const purged = await worker.get(SessionPurgeProcessor).process();
    expect(purged.sessions).toBeGreaterThanOrEqual(2);
    expect(purged.refreshTokens).toBeGreaterThanOrEqual(1);
    const left = await db.query(`SELECT user_id FROM sessions WHERE user_id = ANY($1::uuid[])`, [[live.id, loggedOut.id, stale.id]]);
    expect(left).toEqual([{ user_id: live.id }]);
    await request(api.url).post('/v1/auth/refresh').send({ refreshToken: live.refreshToken }).expect(200);
    // A token of a purged session is refused like one of an ended session.
    await request(api.url).get('/v1/users/me').set(...bearer(stale.accessToken)).expect(401);
    const schedulers = await worker.get<Queue>(getQueueToken(IDENTITY_QUEUE)).getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['session-purge', 3_600_000]]);
  });
});
