import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError } from '../../../common/errors/app-error';
import { REDIS } from '../../../common/redis/redis.module';
import { APP_CONFIG, AppConfig } from '../../../config/config';

const WINDOW_SECONDS = 15 * 60;
/** The longest a login for a name under attack is held before it is checked. */
const MAX_SLOWDOWN_MS = 3000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Brute-force protection that never locks the real user out (rate-limiter-flexible's login
 * recipe, counted in Redis across processes, per process while Redis is away):
 * - failures of one name from one address: after LOGIN_FAILURES_PER_IP_AND_NAME within 15
 *   minutes that pair is refused (429) for the rest of the window; other addresses, the real
 *   user's included, are not affected;
 * - failures of one name from anywhere: after LOGIN_SLOWDOWN_AFTER_FAILURES each attempt on it
 *   is held back a little longer (up to 3 s) before the password is checked, never refused.
 * A successful login clears both counts.
 */
@Injectable()
export class LoginThrottle {
  private readonly byIpAndName: RateLimiterRedis;
  private readonly byName: RateLimiterRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const limiter = (name: string, points: number, blockDuration = 0) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.redis.keyPrefix}rl:login:${name}`,
        points,
        duration: WINDOW_SECONDS,
        blockDuration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: `local:${name}`, points, duration: WINDOW_SECONDS, blockDuration }),
      });
    this.byIpAndName = limiter('ip-name', config.auth.loginFailuresPerIpAndName, WINDOW_SECONDS);
    // Only counted, never refused: far more points than any slowdown needs.
    this.byName = limiter('name', 1_000_000);
  }

  /** Before the password check: 429 for a blocked (address, name) pair, else a delay for a name under attack. */
  async beforeAttempt(ip: string | undefined, login: string): Promise<void> {
    const [pair, name] = await Promise.all([
      this.byIpAndName.get(this.pairKey(ip, login)).catch(() => null),
      this.byName.get(login).catch(() => null),
    ]);
    if (pair && pair.consumedPoints >= this.config.auth.loginFailuresPerIpAndName) {
      throw AppError.rateLimited(Math.max(1000, pair.msBeforeNext));
    }
    const over = (name?.consumedPoints ?? 0) - this.config.auth.loginSlowdownAfterFailures;
    if (over >= 0) await sleep(Math.min(MAX_SLOWDOWN_MS, 250 * 2 ** Math.min(over, 4)));
  }

  async failed(ip: string | undefined, login: string): Promise<void> {
    // A refusal (RateLimiterRes) only means the count is past the limit: counted either way.
    await Promise.allSettled([this.byIpAndName.consume(this.pairKey(ip, login)), this.byName.consume(login)]);
  }

  async succeeded(ip: string | undefined, login: string): Promise<void> {
    await Promise.all([this.byIpAndName.delete(this.pairKey(ip, login)), this.byName.delete(login)]).catch(() => undefined);
  }

  private pairKey(ip: string | undefined, login: string): string {
    return `${ip ?? 'unknown'}|${login}`;
  }
}
