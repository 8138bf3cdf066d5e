import type { Server, Socket } from 'socket.io';

const CHECK_EVERY_MS = 500;

/** Bytes a socket has been handed but not yet written to the network: engine.io's queue plus the WebSocket's. */
export function pendingBytes(socket: Socket): number {
  const conn = socket.conn as unknown as {
    writeBuffer: { data?: unknown }[];
    transport: { socket?: { bufferedAmount?: number } };
  };
  let queued = 0;
  for (const packet of conn.writeBuffer) {
    const data = packet.data;
    queued += typeof data === 'string' ? data.length : data instanceof Buffer ? data.length : 64;
  }
  return queued + (conn.transport.socket?.bufferedAmount ?? 0);
}

/**
 * Back-pressure: emits never wait for a slow client, so one stalled socket delays nobody;
 * but its output piles up in memory. Every half second, sockets holding more than
 * `maxBytes` unsent are disconnected; the client reconnects and catches up by seq.
 */
export function dropSlowConsumers(server: Server, maxBytes: number, onDrop: (socket: Socket, bytes: number) => void): NodeJS.Timeout {
  const timer = setInterval(() => {
    for (const socket of server.of('/').sockets.values()) {
      const bytes = pendingBytes(socket);
      if (bytes > maxBytes) {
        onDrop(socket, bytes);
        socket.disconnect(true);
        // It will not read a polite close frame either: cut the connection.
        (socket.conn as unknown as { transport: { socket?: { terminate?: () => void } } }).transport.socket?.terminate?.();
      }
    }
  }, CHECK_EVERY_MS);
  timer.unref();
  return timer;
}
