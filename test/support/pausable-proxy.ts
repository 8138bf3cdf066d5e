import net from 'node:net';
import { AddressInfo } from 'node:net';

/**
 * A TCP proxy that can freeze or cut a server it stands in front of, for servers that are many
 * processes (PostgreSQL) or that a test must not signal. Point the client at `port`.
 */
export interface PausableProxy {
  port: number;
  /**
   * Holds every byte in both directions, on open and new connections (new ones are accepted, and
   * only reach the server at resume()): a server that hangs. Bytes the proxy had already handed to
   * the kernel before the call still arrive, as bytes already on the wire would.
   */
  pause(): void;
  /** Delivers everything held, in order, then forwards normally again. */
  resume(): void;
  /** Drops every open connection and refuses new ones (nothing listens on the port) until restore(). */
  cut(): Promise<void>;
  /** Listens on the same port again. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  /** Opened once the proxy flows, so that a server never sees (nor times out) a connection made during a pause. */
  upstream?: net.Socket;
  /** Sockets whose reading waits for the other side to drain. */
  blocked: Set<net.Socket>;
}

export async function startPausableProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<PausableProxy> {
  const links = new Set<Link>();
  let paused = false;
  let refusing = false;
  let closed = false;
  let server: net.Server | undefined;

  // A socket reads only while the proxy flows and what it forwards to has room: anything else
  // stays in its buffers or the kernel's, in order.
  const update = (link: Link) => {
    if (!link.upstream) return;
    for (const s of [link.client, link.upstream]) {
      if (!paused && !link.blocked.has(s)) s.resume();
      else s.pause();
    }
  };

  const relay = (link: Link, from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (to.write(chunk) || link.blocked.has(from)) return;
      link.blocked.add(from);
      update(link);
      to.once('drain', () => {
        link.blocked.delete(from);
        update(link);
      });
    });
    // Half-closes are forwarded (after the data before them); an abrupt end takes the other side down.
    from.once('end', () => to.end());
    from.once('close', () => {
      if (!from.readableEnded || from.errored) to.destroy();
    });
  };

  const connectUpstream = (link: Link) => {
    const upstream = net.connect({ port: targetPort, host: targetHost, allowHalfOpen: true });
    upstream.pause();
    upstream.on('error', () => undefined);
    link.upstream = upstream;
    relay(link, link.client, upstream);
    relay(link, upstream, link.client);
    const forget = () => {
      if (link.client.destroyed && upstream.destroyed) links.delete(link);
    };
    link.client.once('close', forget);
    upstream.once('close', forget);
    update(link);
  };

  const accept = (client: net.Socket) => {
    client.pause();
    client.on('error', () => undefined);
    if (refusing || closed) {
      client.destroy();
      return;
    }
    const link: Link = { client, blocked: new Set() };
    links.add(link);
    client.once('close', () => {
      if (!link.upstream) links.delete(link);
    });
    if (!paused) connectUpstream(link);
  };

  const listen = async (port: number) => {
    const s = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, accept);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        s.off('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      throw new Error(`pausable proxy could not listen on 127.0.0.1:${port}: ${err.message}`, { cause: err });
    });
    server = s;
    return (s.address() as AddressInfo).port;
  };

  const dropAll = async () => {
    for (const link of links) {
      link.client.destroy();
      link.upstream?.destroy();
    }
    links.clear();
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  const port = await listen(0);
  return {
    port,
    pause: () => {
      paused = true;
      for (const link of links) update(link);
    },
    resume: () => {
      paused = false;
      for (const link of links) {
        if (link.upstream) update(link);
        else connectUpstream(link);
      }
    },
    cut: async () => {
      refusing = true;
      await dropAll();
    },
    restore: async () => {
      if (closed) throw new Error('pausable proxy is closed');
      if (!refusing) return;
      refusing = false;
      await listen(port);
    },
    close: async () => {
      closed = true;
      await dropAll();
    },
  };
}
