import { io, Socket } from 'socket.io-client';

export interface ConnectError extends Error {
  data?: { error: { code: string; message: string; requestId: string } };
}

/** Connects a real socket.io-client and resolves on connect, or rejects with the connect_error. */
export function connect(url: string, opts: { token?: string; query?: Record<string, string> } = {}): Promise<Socket> {
  const socket = io(url, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: opts.token === undefined ? {} : { token: opts.token },
    query: opts.query,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: ConnectError) => {
      socket.close();
      reject(err);
    });
  });
}

export async function connectError(url: string, opts: { token?: string; query?: Record<string, string> } = {}): Promise<ConnectError> {
  try {
    const socket = await connect(url, opts);
    socket.close();
  } catch (err) {
    return err as ConnectError;
  }
  throw new Error('expected the connection to be refused');
}

export interface Ack<T = unknown> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; requestId: string; details?: { field: string; message: string }[]; retryAfterMs?: number };
}

/** Emits an event and waits for its acknowledgement. */
export function emitAck<T = unknown>(socket: Socket, event: string, payload?: unknown): Promise<Ack<T>> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/**
 * Resolves with the next `event` on the socket (that `matches`, if given), or rejects after `ms`.
 * Events pass through the Redis stream, so one emitted earlier may still be on its way.
 */
export function nextEvent<T = unknown>(socket: Socket, event: string, ms = 3000, matches: (data: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (data: T) => {
      if (!matches(data)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(data);
    };
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    socket.on(event, listener);
  });
}
