import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { defer, filter, Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AppConfig } from '../../config/config';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import { addressKey } from '../rate-limit/http-rate-limit.guard';
import { AppError, ErrorCode } from '../errors/app-error';
import { normalizeError } from '../errors/error-envelope';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ShutdownState } from '../lifecycle/shutdown';
import { createStreamsAdapter, StreamsAdapterHandle } from './streams-adapter';

/**
 * Socket.IO server options come from config, not from decorator literals. Several API
 * processes share events through the Redis streams adapter: an emit to a room on any
 * node reaches that room's sockets on every node, and survives a short Redis outage
 * (the stream is resumed, unlike Pub/Sub).
 */
export class ParleyIoAdapter extends IoAdapter {
  private streams: StreamsAdapterHandle | null = null;
  /** Every event some gateway handles (gateways bind their handlers when a socket connects). */
  private readonly knownEvents = new Set<string>();
  private readonly answeringUnknown = new WeakSet<Socket>();
  /** Open engine connections per client address (authenticated or not) on this node. */
  private readonly perAddress = new Map<string, number>();

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
      cors: { origin: this.config.http.corsOrigins, credentials: false },
      maxHttpBufferSize: this.config.realtime.maxPayloadBytes,
      // A connection that never sends its Socket.IO handshake is closed after this long.
      connectTimeout: 10_000,
      // CORS headers alone do not stop a WebSocket upgrade: check Origin on the handshake.
      allowRequest: (req, callback) => {
        // A node that is shutting down takes no new connections: the handshake fails at the
        // transport, so the client keeps retrying (the balancer sends it elsewhere).
        if (this.draining()) return callback('shutting down', false);
        const allowed = this.config.realtime.allowedOrigins;
        const origin = req.headers.origin;
        if (!(allowed === '*' || origin === undefined || allowed.includes(origin))) return callback('origin not allowed', false);
        // Connections are cheap to open and cost memory until their handshake times out: a cap
        // per address, before any token is seen (requests of an open session pass).
        const opening = !/[?&]sid=/.test(req.url ?? '');
        if (opening && (this.perAddress.get(this.addressOf(req)) ?? 0) >= this.config.realtime.maxConnectionsPerAddress) {
          return callback('too many connections from this address', false);
        }
        callback(null, true);
      },
      // No connection state recovery: socket.io restores a session's rooms and replays its
      // missed packets before any middleware has checked the new token, so a logged-out
      // device, or someone else's token, would receive them. Every connection starts fresh
      // and catches up through sync.required and messages.sync, the source of truth anyway.
    });
    // While draining, every Socket.IO HTTP request (a handshake, or a long-polling request of a
    // session that is being closed) answers 503, so a balancer tries another node.
    // (On a WebSocket upgrade, ending the response drops the connection.)
    server.engine.use((_req: unknown, res: { writeHead(status: number): unknown; end(): void }, next: () => void) => {
      if (!this.draining()) return next();
      res.writeHead(503);
      res.end();
    });
    server.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', fn: () => void): void }) => {
      const address = this.addressOf(conn.request);
      this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
      conn.once('close', () => {
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left > 0) this.perAddress.set(address, left);
        else this.perAddress.delete(address);
      });
    });
    this.streams = createStreamsAdapter(this.config);
    server.adapter(this.streams.adapter);
    return server;
  }

  /** The client's address as Express sees it (X-Forwarded-For believed only as TRUST_PROXY says), keyed as the rate limits key it. */
  private addressOf(req: IncomingMessage): string {
    const express = (this.app as unknown as { getHttpAdapter?: () => { getInstance(): { get(name: string): unknown } } }).getHttpAdapter?.().getInstance();
    const trust = express?.get('trust proxy fn') as ((addr: string, i: number) => boolean) | undefined;
    return addressKey(trust ? proxyaddr(req, trust) : req.socket.remoteAddress);
  }

  /**
   * The same dispatch as IoAdapter's (payload and ack mapping, ack with the handler's
   * answer, errors logged), with one plain listener per event instead of an RxJS pipeline
   * per event per socket: that pipeline was most of an idle socket's memory.
   */
  override bindMessageHandlers(socket: Socket, handlers: MessageMappingProperties[], transform: (data: unknown) => Observable<unknown>): void {
    this.answerUnknownEvents(socket);
    for (const { message, callback, isAckHandledManually } of handlers) {
      this.knownEvents.add(String(message));
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

  /**
   * An event no gateway handles, sent with an acknowledgement, is answered NOT_FOUND rather
   * than left for the client to time out; without one it is ignored. Every gateway has bound
   * its handlers by the time the socket's first event is read.
   */
  private answerUnknownEvents(socket: Socket): void {
    if (this.answeringUnknown.has(socket)) return;
    this.answeringUnknown.add(socket);
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (typeof ack !== 'function' || this.knownEvents.has(String(event))) return;
      const reply = (err: unknown) => (ack as (r: unknown) => void)({ ok: false, error: { ...normalizeError(err).body, requestId: randomUUID() } });
      const unknown = new AppError(ErrorCode.NOT_FOUND, `Unknown event ${JSON.stringify(String(event).slice(0, 64))}`);
      // Counted like any other event of the user, so they cannot be used to flood.
      const userId = (socket.data as { actor?: { userId: string } }).actor?.userId;
      let limits: RateLimitService;
      try {
        limits = this.app.get(RateLimitService, { strict: false });
      } catch {
        return reply(unknown);
      }
      if (!userId) return reply(unknown);
      limits.takeSocketEvent(userId, String(event)).then(
        (retryAfterMs) => reply(retryAfterMs > 0 ? AppError.rateLimited(retryAfterMs) : unknown),
        (err: unknown) => reply(err),
      );
    });
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
