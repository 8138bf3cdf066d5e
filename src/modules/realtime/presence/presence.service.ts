import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { REDIS } from '../../../common/redis/redis.module';

/** A socket counts as present until this long after its node last refreshed it (a crashed node's sockets lapse). */
export const PRESENCE_TTL_MS = 60_000;
const REFRESH_EVERY_MS = 20_000;

export interface PresenceView {
  userId: string;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
}

/**
 * Presence in Redis, correct across devices and nodes: each user has a sorted set of
 * socket ids scored by when they lapse. Online = at least one unlapsed socket on any node.
 * Each node refreshes its own sockets' scores, so a crashed node's sockets expire by TTL.
 */
@Injectable()
export class PresenceService implements OnModuleDestroy {
  private readonly local = new Map<string, string>(); // socketId -> userId
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Records a socket; true when the user just came online (had no live socket before). */
  async connected(userId: string, socketId: string): Promise<boolean> {
    this.local.set(socketId, userId);
    const now = Date.now();
    const [, [, before]] = (await this.redis
      .multi()
      .zremrangebyscore(this.socketsKey(userId), '-inf', now)
      .zcard(this.socketsKey(userId))
      .zadd(this.socketsKey(userId), now + PRESENCE_TTL_MS, socketId)
      .pexpire(this.socketsKey(userId), PRESENCE_TTL_MS * 2)
      .exec()) as [unknown, [unknown, number]];
    return before === 0;
  }

  /** Forgets a socket; the last-seen time when that was the user's last live socket, else null. */
  async disconnected(userId: string, socketId: string): Promise<string | null> {
    this.local.delete(socketId);
    const now = Date.now();
    const results = (await this.redis
      .multi()
      .zrem(this.socketsKey(userId), socketId)
      .zcount(this.socketsKey(userId), now, '+inf')
      .exec()) as [unknown, number][];
    if (results[1][1] > 0) return null;
    const lastSeenAt = new Date(now).toISOString();
    await this.redis.set(this.lastSeenKey(userId), lastSeenAt, 'EX', 90 * 24 * 3600);
    return lastSeenAt;
  }

  async get(userIds: string[]): Promise<PresenceView[]> {
    if (userIds.length === 0) return [];
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(this.socketsKey(id), now, '+inf').get(this.lastSeenKey(id));
    const results = (await pipeline.exec()) as [unknown, unknown][];
    return userIds.map((userId, i) => {
      const live = Number(results[2 * i][1]);
      const lastSeen = results[2 * i + 1][1] as string | null;
      return live > 0 ? { userId, status: 'online', lastSeenAt: null } : { userId, status: 'offline', lastSeenAt: lastSeen };
    });
  }

  private async refresh(): Promise<void> {
    if (this.local.size === 0) return;
    const until = Date.now() + PRESENCE_TTL_MS;
    const pipeline = this.redis.pipeline();
    for (const [socketId, userId] of this.local) {
      pipeline.zadd(this.socketsKey(userId), 'XX', until, socketId).pexpire(this.socketsKey(userId), PRESENCE_TTL_MS * 2);
    }
    await pipeline.exec();
  }

  private socketsKey(userId: string): string {
    return `${this.config.redis.keyPrefix}presence:sockets:${userId}`;
  }

  private lastSeenKey(userId: string): string {
    return `${this.config.redis.keyPrefix}presence:last-seen:${userId}`;
  }
}
