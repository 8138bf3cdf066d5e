import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AppError } from '../errors/app-error';
import { Bucket, RateLimitService } from '../rate-limit/rate-limit.service';
import { AuthedSocket } from './ws-auth';

/** Catching up after a reconnect: one sync and one delivery confirmation per conversation. */
const CATCH_UP_EVENTS = new Set(['messages.sync', 'conversation.delivered']);

/**
 * Per-user limits on client events, shared by every node and device: message.send at
 * WS_SEND_RATE_PER_SECOND with bursts up to WS_SEND_BURST (the same bucket as REST sends);
 * the catch-up events at WS_EVENT_RATE_PER_SECOND with bursts up to WS_SYNC_BURST (a
 * reconnect may sync many conversations at once); every other event at
 * WS_EVENT_RATE_PER_SECOND with bursts of twice that. A refusal is a RATE_LIMITED ack with
 * retryAfterMs; the socket stays open.
 */
@Injectable()
export class WsRateLimitGuard implements CanActivate {
  private readonly catchUp: Bucket;
  private readonly events: Bucket;

  constructor(
    private readonly limits: RateLimitService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { eventRatePerSecond, syncBurst } = config.realtime;
    this.catchUp = { name: 'sync', intervalMs: 1000 / eventRatePerSecond, burst: syncBurst };
    this.events = { name: 'event', intervalMs: 1000 / eventRatePerSecond, burst: 2 * eventRatePerSecond };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ws = context.switchToWs();
    const userId = ws.getClient<AuthedSocket>().data.actor.userId;
    const pattern = String(ws.getPattern());
    const bucket = pattern === 'message.send' ? this.limits.sends : CATCH_UP_EVENTS.has(pattern) ? this.catchUp : this.events;
    const outcome = await this.limits.take(bucket, userId);
    if (!outcome.allowed) throw AppError.rateLimited(outcome.retryAfterMs);
    return true;
  }
}
