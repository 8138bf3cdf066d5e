import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { REDIS } from '../../../common/redis/redis.module';
import { TypingEvent } from '../events/messaging.events';
import { MessagingReadModel } from './read-model';

/** A "typing" start is re-broadcast at most this often per user and conversation (all nodes). */
export const TYPING_THROTTLE_MS = 3000;
/** Without a refresh for this long, typing stops by itself. */
export const TYPING_TTL_MS = 6000;

/**
 * Typing is ephemeral (never stored in PostgreSQL): a Redis key throttles repeated starts
 * across nodes, and a timer on the node that heard the last refresh sends the stop a
 * client forgot (closed tab, lost connection).
 */
@Injectable()
export class TypingState implements OnModuleDestroy {
  private readonly expiry = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readModel: MessagingReadModel,
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
    if (!isTyping) {
      await this.redis.del(throttleKey);
      return true;
    }
    const timer = setTimeout(() => {
      this.expiry.delete(key);
      void this.expire(conversationId, userId, throttleKey);
    }, TYPING_TTL_MS);
    timer.unref();
    this.expiry.set(key, timer);
    return (await this.redis.set(throttleKey, '1', 'PX', TYPING_THROTTLE_MS, 'NX')) === 'OK';
  }

  private async expire(conversationId: string, userId: string, throttleKey: string): Promise<void> {
    try {
      await this.redis.del(throttleKey);
      const others = (await this.readModel.memberIds(conversationId)).filter((id) => id !== userId);
      this.events.publish(new TypingEvent(conversationId, userId, false, others));
    } catch {
      // Best effort: the conversation may be gone; clients also time typing out themselves.
    }
  }
}
