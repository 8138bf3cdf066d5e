import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AppError, ErrorCode } from '../errors/app-error';
import { REDIS } from '../redis/redis.module';
import { AuthedSocket } from './ws-auth';

/**
 * Per-user limits on client events, counted in Redis so they hold across nodes and
 * devices: message.send at WS_SEND_RATE_PER_SECOND with bursts up to WS_SEND_BURST,
 * every other event at WS_EVENT_RATE_PER_SECOND. A refusal is a RATE_LIMITED ack with
 * retryAfterMs; the socket stays open.
 */
@Injectable()
export class WsRateLimitGuard implements CanActivate {
  private readonly sends: RateLimiterRedis;
  private readonly events: RateLimiterRedis;

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    const { sendRatePerSecond, sendBurst, eventRatePerSecond } = config.realtime;
    const prefix = `${config.redis.keyPrefix}rl:ws`;
    // A window of burst/rate seconds holding `burst` points averages `rate` per second.
    this.sends = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:send`, points: sendBurst, duration: Math.max(1, Math.round(sendBurst / sendRatePerSecond)) });
    this.events = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:event`, points: eventRatePerSecond, duration: 1 });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ws = context.switchToWs();
    const userId = ws.getClient<AuthedSocket>().data.actor.userId;
    const limiter = ws.getPattern() === 'message.send' ? this.sends : this.events;
    try {
      await limiter.consume(userId);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) throw AppError.rateLimited(err.msBeforeNext);
      throw new AppError(ErrorCode.UNAVAILABLE, 'Rate limiter unavailable, try again shortly');
    }
  }
}
