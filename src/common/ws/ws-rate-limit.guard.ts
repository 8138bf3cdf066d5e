import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AppError, ErrorCode } from '../errors/app-error';
import { REDIS } from '../redis/redis.module';
import { AuthedSocket } from './ws-auth';

/**
 * A token bucket as GCRA (generic cell rate algorithm), atomic in Redis and timed by Redis's
 * clock, so every node counts against the same bucket: `burst` events at once after a
 * quiet spell, then one per `intervalMs`. KEYS: the bucket. ARGV: interval (ms), burst.
 * Returns 0 when allowed, else the milliseconds until the next event would be.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - now - tolerance
-- Redis truncates a Lua number reply: round a wait up, so a fraction of a ms is never 0.
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(tat + interval - now))
return 0
`;

interface Bucket {
  name: string;
  intervalMs: number;
  burst: number;
}

/** Catching up after a reconnect: one sync and one delivery confirmation per conversation. */
const CATCH_UP_EVENTS = new Set(['messages.sync', 'conversation.delivered']);

/**
 * Per-user limits on client events, shared by every node and device: message.send at
 * WS_SEND_RATE_PER_SECOND with bursts up to WS_SEND_BURST; the catch-up events at
 * WS_EVENT_RATE_PER_SECOND with bursts up to WS_SYNC_BURST (a reconnect may sync many
 * conversations at once); every other event at WS_EVENT_RATE_PER_SECOND with bursts of
 * twice that. A refusal is a RATE_LIMITED ack with retryAfterMs; the socket stays open.
 */
@Injectable()
export class WsRateLimitGuard implements CanActivate {
  private readonly sends: Bucket;
  private readonly catchUp: Bucket;
  private readonly events: Bucket;
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { sendRatePerSecond, sendBurst, eventRatePerSecond, syncBurst } = config.realtime;
    this.prefix = `${config.redis.keyPrefix}rl:ws:gcra`;
    this.sends = { name: 'send', intervalMs: 1000 / sendRatePerSecond, burst: sendBurst };
    this.catchUp = { name: 'sync', intervalMs: 1000 / eventRatePerSecond, burst: syncBurst };
    this.events = { name: 'event', intervalMs: 1000 / eventRatePerSecond, burst: 2 * eventRatePerSecond };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ws = context.switchToWs();
    const userId = ws.getClient<AuthedSocket>().data.actor.userId;
    const pattern = String(ws.getPattern());
    const bucket = pattern === 'message.send' ? this.sends : CATCH_UP_EVENTS.has(pattern) ? this.catchUp : this.events;
    let waitMs: number;
    try {
      waitMs = Number(await this.redis.eval(GCRA, 1, `${this.prefix}:${bucket.name}:${userId}`, bucket.intervalMs, bucket.burst));
    } catch {
      throw new AppError(ErrorCode.UNAVAILABLE, 'Rate limiter unavailable, try again shortly');
    }
    if (waitMs > 0) throw AppError.rateLimited(Math.ceil(waitMs));
    return true;
  }
}
