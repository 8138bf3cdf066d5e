import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DependencyMonitor, withTimeout } from '../lifecycle/dependency-monitor';
import { REDIS } from '../redis/redis.module';

/**
 * A token bucket as GCRA (generic cell rate algorithm), atomic in Redis and timed by Redis's
 * clock, so every node counts against the same bucket: `burst` events at once after a quiet
 * spell, then one per `intervalMs`. KEYS: the bucket. ARGV: interval (ms), burst.
 * Returns { wait (ms until allowed, 0 when allowed now), remaining, reset (ms until full) }.
 */
const GCRA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = interval * (tonumber(ARGV[2]) - 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - now - tolerance
-- Redis truncates a Lua number reply: round up, so a fraction of a ms is never 0.
if wait > 0 then return { math.ceil(wait), 0, math.ceil(tat - now) } end
local next = tat + interval
redis.call('SET', KEYS[1], next, 'PX', math.ceil(next - now))
return { 0, math.floor((tolerance - (next - now)) / interval) + 1, math.ceil(next - now) }
`;

export interface Bucket {
  name: string;
  intervalMs: number;
  burst: number;
}

export interface LimitOutcome {
  allowed: boolean;
  /** The most requests the window or bucket allows at once. */
  limit: number;
  remaining: number;
  /** Milliseconds until the window resets (or the bucket is full again). */
  resetMs: number;
  /** When refused: milliseconds until a retry can succeed. */
  retryAfterMs: number;
  /** Counted by this process alone, because Redis did not answer. */
  local: boolean;
}

export type RequestClass = 'reads' | 'writes' | 'search';

const CATCH_UP_EVENTS = new Set(['messages.sync', 'conversation.delivered']);

/**
 * Every request limit of the API, shared through Redis by all processes. When Redis does not
 * answer, each process falls back to counting on its own (rate-limiter-flexible's insurance
 * limiter for windows, an in-memory GCRA for buckets) instead of failing every request.
 */
@Injectable()
export class RateLimitService {
  private readonly windows: Record<RequestClass, RateLimiterRedis>;
  private readonly localWindows: Record<RequestClass, RateLimiterMemory>;
  private readonly localTats = new Map<string, number>();
  readonly sends: Bucket;
  private readonly catchUp: Bucket;
  private readonly events: Bucket;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
  ) {
    const { readsPerMinute, writesPerMinute, searchPerMinute } = config.rateLimits;
    const local = (name: RequestClass, points: number) => new RateLimiterMemory({ keyPrefix: `local:${name}`, points, duration: 60 });
    this.localWindows = { reads: local('reads', readsPerMinute), writes: local('writes', writesPerMinute), search: local('search', searchPerMinute) };
    const window = (name: RequestClass, points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.redis.keyPrefix}rl:http:${name}`,
        points,
        duration: 60,
        rejectIfRedisNotReady: true,
        insuranceLimiter: this.localWindows[name],
      });
    this.windows = { reads: window('reads', readsPerMinute), writes: window('writes', writesPerMinute), search: window('search', searchPerMinute) };
    const { sendRatePerSecond, sendBurst, eventRatePerSecond, syncBurst } = config.realtime;
    this.sends = { name: 'send', intervalMs: 1000 / sendRatePerSecond, burst: sendBurst };
    this.catchUp = { name: 'sync', intervalMs: 1000 / eventRatePerSecond, burst: syncBurst };
    this.events = { name: 'event', intervalMs: 1000 / eventRatePerSecond, burst: 2 * eventRatePerSecond };
  }

  /**
   * One socket event of a user: message.send from the send bucket (WS_SEND_RATE_PER_SECOND,
   * bursts of WS_SEND_BURST, shared with REST sends); messages.sync and conversation.delivered
   * (catching up after a reconnect, one per conversation) at WS_EVENT_RATE_PER_SECOND with
   * bursts of WS_SYNC_BURST; every other event, unknown ones included, at
   * WS_EVENT_RATE_PER_SECOND with bursts of twice that. 0 when allowed, else the ms to wait.
   */
  async takeSocketEvent(userId: string, event: string): Promise<number> {
    // Socket search counts against the same per-minute budget as REST search.
    if (event === 'messages.search') {
      const outcome = await this.hit('search', `user:${userId}`);
      return outcome.allowed ? 0 : outcome.retryAfterMs;
    }
    const bucket = event === 'message.send' ? this.sends : CATCH_UP_EVENTS.has(event) ? this.catchUp : this.events;
    const outcome = await this.take(bucket, userId);
    return outcome.allowed ? 0 : outcome.retryAfterMs;
  }

  /** One request of a class for `key` (a user, or an address for anonymous callers), per minute. */
  async hit(requestClass: RequestClass, key: string): Promise<LimitOutcome> {
    const shared = this.windows[requestClass];
    // While Redis is known to be down, count locally at once rather than wait for a timeout.
    const limiter = this.dependencies.isUp('redis') ? shared : this.localWindows[requestClass];
    const outcome = (res: RateLimiterRes, allowed: boolean): LimitOutcome => ({
      allowed,
      limit: shared.points,
      remaining: Math.max(0, res.remainingPoints),
      resetMs: res.msBeforeNext,
      retryAfterMs: allowed ? 0 : Math.max(1, res.msBeforeNext),
      local: false,
    });
    try {
      return outcome(await withTimeout(limiter.consume(key), this.config.redis.fallbackAfterMs), true);
    } catch (err) {
      if (err instanceof RateLimiterRes) return outcome(err, false);
      if (limiter !== shared) throw err;
      // Redis did not answer in time: this request is counted locally.
      try {
        return outcome(await this.localWindows[requestClass].consume(key), true);
      } catch (local) {
        if (local instanceof RateLimiterRes) return outcome(local, false);
        throw local;
      }
    }
  }

  /** One event from the token bucket `bucket` of `key`; counted in this process alone while Redis does not answer. */
  async take(bucket: Bucket, key: string): Promise<LimitOutcome> {
    const redisKey = `${this.config.redis.keyPrefix}rl:ws:gcra:${bucket.name}:${key}`;
    if (!this.dependencies.isUp('redis')) return this.takeLocally(bucket, redisKey);
    try {
      const [wait, remaining, reset] = (await withTimeout(this.redis.eval(GCRA, 1, redisKey, bucket.intervalMs, bucket.burst), this.config.redis.fallbackAfterMs)) as [
        number,
        number,
        number,
      ];
      return { allowed: wait === 0, limit: bucket.burst, remaining, resetMs: reset, retryAfterMs: wait, local: false };
    } catch {
      return this.takeLocally(bucket, redisKey);
    }
  }

  /** The same GCRA on this process's clock. */
  private takeLocally(bucket: Bucket, key: string): LimitOutcome {
    const now = Date.now();
    const tolerance = bucket.intervalMs * (bucket.burst - 1);
    const tat = Math.max(this.localTats.get(key) ?? now, now);
    const wait = tat - now - tolerance;
    if (wait > 0) return { allowed: false, limit: bucket.burst, remaining: 0, resetMs: Math.ceil(tat - now), retryAfterMs: Math.ceil(wait), local: true };
    const next = tat + bucket.intervalMs;
    this.localTats.set(key, next);
    if (this.localTats.size > 100_000) this.forgetFull(now);
    return {
      allowed: true,
      limit: bucket.burst,
      remaining: Math.floor((tolerance - (next - now)) / bucket.intervalMs) + 1,
      resetMs: Math.ceil(next - now),
      retryAfterMs: 0,
      local: true,
    };
  }

  /** Buckets that have refilled hold nothing worth keeping. */
  private forgetFull(now: number): void {
    for (const [key, tat] of this.localTats) if (tat <= now) this.localTats.delete(key);
  }
}
