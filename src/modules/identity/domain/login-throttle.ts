import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../../../common/errors/app-error';
import { DependencyMonitor } from '../../../common/lifecycle/dependency-monitor';
import { addressKey } from '../../../common/rate-limit/http-rate-limit.guard';
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
  private readonly shared: { byIpAndName: RateLimiterRedis; byName: RateLimiterRedis };
  private readonly local: { byIpAndName: RateLimiterMemory; byName: RateLimiterMemory };

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
  ) {
    const memory = (name: string, points: number, blockDuration = 0) =>
      new RateLimiterMemory({ keyPrefix: `local:${name}`, points, duration: WINDOW_SECONDS, blockDuration });
    const limiter = (name: string, insurance: RateLimiterMemory) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.redis.keyPrefix}rl:login:${name}`,
        points: insurance.points,
        duration: WINDOW_SECONDS,
        blockDuration: insurance.blockDuration,
        rejectIfRedisNotReady: true,
        insuranceLimiter: insurance,
      });
    // byName only counts, never refuses: far more points than any slowdown needs.
    this.local = { byIpAndName: memory('ip-name', config.auth.loginFailuresPerIpAndName, WINDOW_SECONDS), byName: memory('name', 1_000_000) };
    this.shared = { byIpAndName: limiter('ip-name', this.local.byIpAndName), byName: limiter('name', this.local.byName) };
  }

  /** Redis's counts, or this process's while Redis is known to be down (no waiting on timeouts). */
  private get byIpAndName(): RateLimiterRedis | RateLimiterMemory {
    return this.dependencies.isUp('redis') ? this.shared.byIpAndName : this.local.byIpAndName;
  }

  private get byName(): RateLimiterRedis | RateLimiterMemory {
    return this.dependencies.isUp('redis') ? this.shared.byName : this.local.byName;
  }

  /**
   * Before the password check, the attempt is counted (atomically, so attempts racing in
   * parallel cannot slip past the limit): 429 once the (address, account) pair has used its
   * attempts, else a delay when the account has seen many attempts from anywhere. `account`
   * is the user's id when the login names one (its username and email count as one), else
   * the login as typed. A success clears both counts.
   */
  async beforeAttempt(ip: string | undefined, account: string): Promise<void> {
    try {
      await this.byIpAndName.consume(this.pairKey(ip, account));
    } catch (err) {
      if (err instanceof RateLimiterRes) throw AppError.rateLimited(Math.max(1000, err.msBeforeNext));
      // Neither Redis nor the local count answered: the password check still stands guard.
    }
    const name = await this.byName.consume(account).catch(() => null);
    const over = (name?.consumedPoints ?? 0) - 1 - this.config.auth.loginSlowdownAfterFailures;
    if (over >= 0) await sleep(Math.min(MAX_SLOWDOWN_MS, 250 * 2 ** Math.min(over, 4)));
  }

  async succeeded(ip: string | undefined, account: string): Promise<void> {
    await Promise.all([this.byIpAndName.delete(this.pairKey(ip, account)), this.byName.delete(account)]).catch(() => undefined);
  }

  private pairKey(ip: string | undefined, account: string): string {
    return `${addressKey(ip)}|${account}`;
  }
}
