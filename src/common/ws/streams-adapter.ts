import { createAdapter } from '@socket.io/redis-streams-adapter';
import Redis from 'ioredis';
import { AppConfig } from '../../config/config';
import type { Namespace } from 'socket.io';
import { closeRedis, quietRedis } from '../redis/redis.module';
import { withBatches } from './fanout-batch';

export interface StreamsAdapterHandle {
  /** Pass to `server.adapter(...)` or `new Server({ adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/**
 * The Redis streams adapter every process joins: API nodes to deliver to their sockets,
 * workers to emit to users (a Socket.IO server without HTTP is a full cluster member).
 * An emit on any of them reaches the room's sockets on every API node.
 */
export function createStreamsAdapter(config: AppConfig): StreamsAdapterHandle {
  const prefix = config.redis.keyPrefix;
  // A publish not answered in 5 s fails (local sockets still get the event; other nodes' clients
  // catch up by seq), and a blocked read (1 s) is never cut short. Reconnects go on meanwhile.
  const redis = quietRedis(
    new Redis(config.redis.url, { maxRetriesPerRequest: null, connectTimeout: config.redis.connectTimeoutMs, commandTimeout: 5000, retryStrategy: (times) => Math.min(50 * 2 ** times, 2000) }),
  );
  // The adapter opens connections of its own (readers, subscriber); they close with ours.
  const duplicates: Redis[] = [];
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (...args: Parameters<Redis['duplicate']>): Redis => {
    const copy = settleFireAndForget(quietRedis(duplicate(...args)));
    duplicates.push(copy);
    return copy;
  };
  settleFireAndForget(redis);
  const streams = createAdapter(redis, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
    // A blocked read holds shutdown for this long; 1 s keeps restarts quick at a negligible cost.
    blockTimeInMs: 1000,
  });
  // socket.io constructs the adapter with `new`: a function returning the instance works.
  const adapter = function (nsp: Namespace) {
    return withBatches(streams(nsp), nsp);
  } as unknown as typeof streams;
  return {
    adapter,
    close: async () => {
      await closeRedis(redis);
      // If Redis is unreachable the adapter's readers never get to close their connections.
      for (const d of duplicates.splice(0)) d.disconnect();
    },
  };
}

/**
 * The adapter issues PUBLISH and SUBSCRIBE without waiting for their answer. With a command
 * timeout, a Redis that stops answering would turn each into an unhandled rejection (which
 * ends the process): those failures are expected and harmless (the stream, not Pub/Sub,
 * carries what must arrive), so they are settled here.
 */
function settleFireAndForget(client: Redis): Redis {
  for (const name of ['publish', 'spublish', 'subscribe', 'ssubscribe'] as const) {
    const original = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const pending = original(...args);
      pending.catch(() => undefined);
      return pending;
    };
  }
  return client;
}
