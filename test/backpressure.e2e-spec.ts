import { userRoom } from '../src/common/ws/ws-auth';
import { ConnectionGateway } from '../src/modules/realtime/connection.gateway';
import { RealtimeEmitter } from '../src/common/ws/realtime-emitter';
import { testEventEmitter } from './support/test-events';

import { registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect } from './support/socket';

describe('back-pressure (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ WS_MAX_BUFFERED_BYTES: String(64 * 1024) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps delivering to others while a stalled client is dropped once its unsent output passes the bound', async () => {
    const [slowUser, fastUser] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const slow = await connect(t.url, { token: slowUser.accessToken });
    const fast = await connect(t.url, { token: fastUser.accessToken });
    try {
      // The stalled client stops reading from its TCP connection.
      const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: { pause(): void; destroy(): void } } }).ws._socket;
      tcp.pause();
      let fastGot = 0;
      fast.on('flood', () => {
        fastGot += 1;
      });
      const emitter = t.app.get(RealtimeEmitter);
      const server = t.app.get(ConnectionGateway).server;
      const blob = 'x'.repeat(20_000);
      const slowIsOpen = async () => (await server.in(userRoom(slowUser.id)).fetchSockets()).length > 0;
      // Keep writing to the stalled client (and to the healthy one) until the server drops it.
      const deadline = Date.now() + 20_000;
      let sentToFast = 0;
      while (Date.now() < deadline && (await slowIsOpen())) {
        for (let i = 0; i < 20; i += 1) testEventEmitter(emitter).toUsers([slowUser.id], 'flood', { i, blob });
        testEventEmitter(emitter).toUsers([fastUser.id], 'flood', { i: sentToFast, blob });
        sentToFast += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(await slowIsOpen()).toBe(false);
      // The healthy client got everything, without waiting on the stalled one.
      while (Date.now() < deadline && fastGot < sentToFast) await new Promise((r) => setTimeout(r, 50));
      expect(fastGot).toBe(sentToFast);
      tcp.destroy();
    } finally {
      slow.close();
      fast.close();
    }
  });
});
