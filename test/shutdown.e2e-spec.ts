import request from 'supertest';
import { registerUser } from './support/factories';
import { startApp } from './support/app';
import { connect, emitAck } from './support/socket';

describe('graceful shutdown (e2e)', () => {
  it('reports not ready, closes its sockets so clients go elsewhere, keeps serving requests while draining, then stops', async () => {
    const t = await startApp({ SHUTDOWN_DRAIN_MS: '800' });
    const u = await registerUser(t.url);
    const socket = await connect(t.url, { token: u.accessToken });
    expect((await emitAck(socket, 'me')).ok).toBe(true);
    await request(t.url).get('/health/ready').expect(200);

    const gone = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const closing = t.close();
    expect(await gone).toBe('io server disconnect');
    // During the drain the node still answers, but not ready, so the balancer moves on.
    const ready = await request(t.url).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatchObject({ code: 'UNAVAILABLE', details: [{ field: 'process', message: 'shutting down' }] });
    await request(t.url).get('/v1/users/me').set('Authorization', `Bearer ${u.accessToken}`).expect(200);
    await closing;
    await expect(request(t.url).get('/health/live')).rejects.toThrow();
  });
});
