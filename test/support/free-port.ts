import net from 'node:net';
import { AddressInfo } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, for a server a test starts itself
 * (one that cannot be told to listen on port 0 and report back). The port is released before it
 * is returned, so another process may still take it first: callers retry with a new one when
 * their server fails to bind.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
