import net from 'node:net';
import { AddressInfo } from 'node:net';

export interface TcpProxy {
  url: string;
  /** Where new connections go from now on (connections already open stay where they are). */
  target(url: string): void;
  close(): Promise<void>;
}

/**
 * A minimal load balancer: forwards each TCP connection to the current target. When the
 * target dies its connections drop, and clients reconnect through the proxy to the next
 * target, as behind a balancer that has taken a dead node out.
 */
export async function startTcpProxy(initial: string): Promise<TcpProxy> {
  let target = new URL(initial);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      open.add(s);
      s.once('close', () => open.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target: (url) => {
      target = new URL(url);
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
