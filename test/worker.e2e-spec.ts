import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Socket } from 'socket.io-client';
import { loadConfig } from '../src/config/config';
import { PRESENCE_QUEUE } from '../src/modules/realtime/presence/presence-sweep.processor';
import { RealtimeEmitter } from '../src/modules/realtime/realtime-emitter';
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
    worker.get(RealtimeEmitter).toUsers([ada.id], 'worker.ping', { from: 'worker' });
    expect(await got).toEqual([{ from: 'worker' }, { from: 'worker' }]);
    expect(stray).toEqual([]);
  });

  it('schedules the presence sweep once, whichever worker starts first', async () => {
    const queue = worker.get<Queue>(getQueueToken(PRESENCE_QUEUE));
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([['presence-sweep', 10000]]);
  });
});
