import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';

export const REDIS = Symbol('REDIS');

/**
 * Options of every request-path Redis connection: a command not answered within
 * REDIS_COMMAND_TIMEOUT_MS fails (a paused Redis must not hang a request), and one issued
 * while disconnected waits at most that long for the reconnect.
 */
export function redisOptions(config: AppConfig): RedisOptions {
  return {
    connectTimeout: config.redis.connectTimeoutMs,
    commandTimeout: config.redis.commandTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    // Reconnect quickly at first, then every 2 s at most, for as long as it takes.
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
  };
}

/**
 * Connection errors are reported once per outage by the DependencyMonitor; without a
 * listener ioredis would print each reconnect attempt's stack trace.
 */
export function quietRedis<T extends Redis>(client: T): T {
  client.on('error', () => undefined);
  return client;
}

/** One shared ioredis connection for rate limits, session state, presence and health. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Redis => quietRedis(new Redis(config.redis.url, redisOptions(config))),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}

/** QUIT when connected; otherwise drop the connection (a QUIT would wait for a reconnect that may never come). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}
