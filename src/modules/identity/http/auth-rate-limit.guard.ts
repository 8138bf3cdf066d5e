import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { DependencyMonitor } from '../../../common/lifecycle/dependency-monitor';
import { addressKey, setRateLimitHeaders } from '../../../common/rate-limit/http-rate-limit.guard';
import { REDIS } from '../../../common/redis/redis.module';

/**
 * Limits register, login and refresh per client IP and route, counted in Redis so every API
 * process shares the count (each process on its own while Redis is away). Never per login
 * name: that would let anyone lock a user out (failed logins per name are LoginThrottle's).
 * The IP is Express's req.ip, which only trusts X-Forwarded-For when TRUST_PROXY says so.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate, OnModuleInit {
  private shared: RateLimiterRedis;
  private local: RateLimiterMemory;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
  ) {}

  onModuleInit(): void {
    this.local = new RateLimiterMemory({ keyPrefix: 'local:auth', points: this.config.auth.rateLimitPerMinute, duration: 60 });
    this.shared = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.config.redis.keyPrefix}rl:auth`,
      points: this.config.auth.rateLimitPerMinute,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: this.local,
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = req.route ? String((req.route as { path?: string }).path) : req.path;
    const limiter = this.dependencies.isUp('redis') ? this.shared : this.local;
    const res = context.switchToHttp().getResponse<Response>();
    try {
      setRateLimitHeaders(res, await limiter.consume(`ip:${route}:${addressKey(req.ip)}`), this.config.auth.rateLimitPerMinute, 60);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw new AppError(ErrorCode.UNAVAILABLE, 'Rate limiter unavailable, try again shortly');
      setRateLimitHeaders(res, err, this.config.auth.rateLimitPerMinute, 60);
      throw AppError.rateLimited(Math.max(1, err.msBeforeNext));
    }
    return true;
  }
}
