import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../../config/config';
import { closeRedis } from '../redis/redis.module';

/** How long a dropped connection's rooms and missed packets are kept for it to resume. */
export const RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/**
 * Socket.IO server options come from config, not from decorator literals. Several API
 * processes share events through the Redis streams adapter: an emit to a room on any
 * node reaches that room's sockets on every node, and survives a short Redis outage
 * (the stream is resumed, unlike Pub/Sub).
 */
export class ParleyIoAdapter extends IoAdapter {
  private redis: Redis | null = null;
  /** Connections the adapter opens for itself (readers, subscriber); closed with ours. */
  private readonly duplicates: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const server = super.createIOServer(port, {
      ...(options as ServerOptions),
      path: '/socket.io',
      cors: { origin: this.config.http.corsOrigins, credentials: true },
      maxHttpBufferSize: 1_000_000,
      // CORS headers alone do not stop a WebSocket upgrade: check Origin on the handshake.
      allowRequest: (req, callback) => {
        const allowed = this.config.realtime.allowedOrigins;
        const origin = req.headers.origin;
        callback(null, allowed === '*' || origin === undefined || allowed.includes(origin));
      },
      // An optimisation only: messages.sync { afterSeq } stays the source of truth.
      // Middlewares run again on recovery, so the token is checked every time.
      connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    });
    const prefix = this.config.redis.keyPrefix;
    // Commands wait for Redis to come back rather than fail (the stream resumes where it was).
    this.redis = new Redis(this.config.redis.url, { maxRetriesPerRequest: null });
    this.trackDuplicates(this.redis);
    server.adapter(
      createAdapter(this.redis, {
        streamName: `${prefix}socket.io`,
        channelPrefix: `${prefix}socket.io`,
        sessionKeyPrefix: `${prefix}sio:session:`,
        // A blocked read holds shutdown for this long; 1 s keeps restarts quick at a negligible cost.
        blockTimeInMs: 1000,
      }),
    );
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    if (this.redis) {
      const redis = this.redis;
      this.redis = null;
      await closeRedis(redis);
    }
    // If Redis is unreachable the adapter's readers never get to close their connections.
    for (const d of this.duplicates.splice(0)) d.disconnect();
  }

  private trackDuplicates(client: Redis): void {
    const duplicate = client.duplicate.bind(client);
    client.duplicate = (...args: Parameters<Redis['duplicate']>): Redis => {
      const copy = duplicate(...args);
      this.duplicates.push(copy);
      return copy;
    };
  }
}
