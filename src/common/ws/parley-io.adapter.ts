import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { defer, filter, Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig } from '../../config/config';
import { ShutdownState } from '../lifecycle/shutdown';
import { createStreamsAdapter, StreamsAdapterHandle } from './streams-adapter';

/** How long a dropped connection's rooms and missed packets are kept for it to resume. */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/**
 * Socket.IO server options come from config, not from decorator literals. Several API
 * processes share events through the Redis streams adapter: an emit to a room on any
 * node reaches that room's sockets on every node, and survives a short Redis outage
 * (the stream is resumed, unlike Pub/Sub).
 */
export class ParleyIoAdapter extends IoAdapter {
  private streams: StreamsAdapterHandle | null = null;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      path: '/socket.io',
      cors: { origin: this.config.http.corsOrigins, credentials: true },
      maxHttpBufferSize: this.config.realtime.maxPayloadBytes,
      // CORS headers alone do not stop a WebSocket upgrade: check Origin on the handshake.
      allowRequest: (req, callback) => {
        // A node that is shutting down takes no new connections: the handshake fails at the
        // transport, so the client keeps retrying (the balancer sends it elsewhere).
        if (this.draining()) return callback('shutting down', false);
        const allowed = this.config.realtime.allowedOrigins;
        const origin = req.headers.origin;
        callback(null, allowed === '*' || origin === undefined || allowed.includes(origin));
      },
      // An optimisation only: messages.sync { afterSeq } stays the source of truth.
      // Middlewares run again on recovery, so the token is checked every time.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    });
    // While draining, every Socket.IO HTTP request (a handshake, or a long-polling request of a
    // session that is being closed) answers 503, so a balancer tries another node.
    // (On a WebSocket upgrade, ending the response drops the connection.)
    server.engine.use((_req: unknown, res: { writeHead(status: number): unknown; end(): void }, next: () => void) => {
      if (!this.draining()) return next();
      res.writeHead(503);
      res.end();
    });
    this.streams = createStreamsAdapter(this.config);
    server.adapter(this.streams.adapter);
    return server;
  }

  /**
   * The same dispatch as IoAdapter's (payload and ack mapping, ack with the handler's
   * answer, errors logged), with one plain listener per event instead of an RxJS pipeline
   * per event per socket: that pipeline was most of an idle socket's memory.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(String(message), (...args: unknown[]) => {
        // As rxjs fromEvent passes them: none or one argument as itself, several as an array.
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]) as { data: unknown; ack?: (response: unknown) => void };
        defer(() => transform(callback(data, ack)))
          .pipe(filter((response) => response !== null && response !== undefined))
          .subscribe({
            next: (response) => {
              const reply = response as { event?: string; data?: unknown };
              if (reply.event) socket.emit(reply.event, reply.data);
              else if (!isAckHandledManually && typeof ack === 'function') ack(response);
            },
            error: (err: unknown) => this.logger.error(err),
          });
      });
    }
  }

  private draining(): boolean {
    try {
      return this.app.get(ShutdownState, { strict: false }).draining;
    } catch {
      return false;
    }
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    const streams = this.streams;
    this.streams = null;
    await streams?.close();
  }
}
