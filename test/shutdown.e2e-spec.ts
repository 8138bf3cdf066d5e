import request from 'supertest';
import { io } from 'socket.io-client';
import { bearer, registerUser } from './support/factories';
import { startApp } from './support/app';
import { connect, connectError, emitAck, nextEvent } from './support/socket';
import { startTcpProxy } from './support/tcp-proxy';
import { uniqueName } from './support/test-env';

describe('graceful shutdown (e2e)', () => {
  it('reports not ready, refuses new sockets, closes its own so clients reconnect elsewhere, keeps serving requests while draining, then stops', async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('shutdown')}:` };
    const [t, other] = await Promise.all([startApp({ ...env, SHUTDOWN_DRAIN_MS: '800' }), startApp(env)]);
    const proxy = await startTcpProxy(t.url);
    try {
      const [u, v] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const conv = (await request(t.url).post('/v1/conversations/direct').set(...bearer(u.accessToken)).send({ userId: v.id }).expect(201)).body.id as string;
      const vOnOther = await connect(other.url, { token: v.accessToken });
      // A stock client with reconnection on, behind the balancer.
      const socket = io(proxy.url, { transports: ['websocket'], forceNew: true, auth: { token: u.accessToken }, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      expect((await emitAck(socket, 'me')).ok).toBe(true);
      await request(t.url).get('/health/ready').expect(200);

      const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
      const closing = t.close();
      // A transport close, which the client recovers from by itself (not "io server disconnect").
      expect(await gone).toBe('transport close');
      // During the drain the node still answers, but not ready, so the balancer moves on...
      const ready = await request(t.url).get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatchObject({ code: 'UNAVAILABLE', details: [{ field: 'process', message: 'shutting down' }] });
      await request(t.url).get('/v1/users/me').set('Authorization', `Bearer ${u.accessToken}`).expect(200);
      // What the draining node still does reaches the other nodes' clients.
      const delivered = nextEvent<{ content: string }>(vOnOther, 'message.created', 3000, (m) => m.content === 'sent while draining');
      await request(t.url).post(`/v1/conversations/${conv}/messages`).set(...bearer(u.accessToken)).send({ content: 'sent while draining', clientMessageId: 'drain-1' }).expect(201);
      expect((await delivered).content).toBe('sent while draining');
      vOnOther.close();
      // ...and takes no new socket.
      await connectError(t.url, { token: u.accessToken });
      proxy.target(other.url);
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      expect((await emitAck(socket, 'me')).ok).toBe(true);
      socket.close();
      await closing;
      await expect(request(t.url).get('/health/live')).rejects.toThrow();
    } finally {
      await proxy.close();
      await other.close();
    }
  });

});
