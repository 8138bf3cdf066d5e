import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { REDIS } from '../../../common/redis/redis.module';
import { TypingEvent } from '../events/messaging.events';
import { Audience } from './audience';

/** A "typing" start is re-broadcast at most this often per user and conversation (all nodes). */
export const TYPING_THROTTLE_MS = 3000;
/** Without a refresh for this long, typing stops by itself. */
export const TYPING_TTL_MS = 6000;

/** Ends typing only if this node's refresh is still the latest. KEYS: refresh, throttle. ARGV: refresh stamp. */
const EXPIRE_IF_LATEST = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`;

/**
 * Typing is ephemeral (never stored in PostgreSQL): a Redis key throttles repeated starts
 * across nodes, and a timer on the node that heard the last refresh sends the stop a
 * client forgot (closed tab, lost connection). The time of the latest refresh, on any node,
 * is kept in Redis too, so a node whose refresh was overtaken by one on another node (the
 * same user typing on two devices) stays silent. If that node dies, clients time typing out
 * themselves.
 */
@Injectable()
export class TypingState implements OnModuleDestroy {
  private readonly expiry = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audience: Audience,
    private readonly events: EventBus,
  ) {}

  onModuleDestroy(): void {
    for (const timer of this.expiry.values()) clearTimeout(timer);
    this.expiry.clear();
  }

  /** Returns whether the change should be broadcast now. */
  async update(conversationId: string, userId: string, isTyping: boolean): Promise<boolean> {
    const key = `${conversationId}:${userId}`;
    clearTimeout(this.expiry.get(key));
    this.expiry.delete(key);
    const throttleKey = `${this.config.redis.keyPrefix}typing:${key}`;
    const refreshKey = `${this.config.redis.keyPrefix}typing-refresh:${key}`;
    if (!isTyping) {
      await this.redis.del(throttleKey, refreshKey);
      return true;
    }
    const refreshedAt = `${Date.now()}:${randomUUID()}`;
    const timer = setTimeout(() => {
      this.expiry.delete(key);
      void this.expire(conversationId, userId, throttleKey, refreshKey, refreshedAt);
    }, TYPING_TTL_MS);
    timer.unref();
    this.expiry.set(key, timer);
    const [[, started]] = (await this.redis
      .multi()
      .set(throttleKey, '1', 'PX', TYPING_THROTTLE_MS, 'NX')
      .set(refreshKey, refreshedAt, 'PX', TYPING_TTL_MS * 2)
      .exec()) as [[unknown, string | null], unknown];
    return started === 'OK';
  }

  private async expire(conversationId: string, userId: string, throttleKey: string, refreshKey: string, refreshedAt: string): Promise<void> {
    try {
      // Another node heard a later refresh: its own timer will stop typing, if need be.
      if ((await this.redis.eval(EXPIRE_IF_LATEST, 2, refreshKey, throttleKey, refreshedAt)) !== 1) return;
      const others = await this.audience.ofTyping(conversationId, userId);
      this.events.publish(new TypingEvent(conversationId, userId, false, others));
    } catch {
      // Best effort: the conversation may be gone; clients also time typing out themselves.
    }
  }
}
