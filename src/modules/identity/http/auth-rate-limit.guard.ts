import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { REDIS } from '../../../common/redis/redis.module';

/**
 * Limits register, login and refresh per client IP and route, counted in Redis so every API
 * process shares the count (each process on its own while Redis is away). Never per login
 * name: that would let anyone lock a user out (failed logins per name are LoginThrottle's).
 * The IP is Express's req.ip, which only trusts X-Forwarded-For when TRUST_PROXY says so.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate, OnModuleInit {
  private limiter: RateLimiterRedis;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${this.config.redis.keyPrefix}rl:auth`,
      points: this.config.auth.rateLimitPerMinute,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'local:auth', points: this.config.auth.rateLimitPerMinute, duration: 60 }),
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = req.route ? String((req.route as { path?: string }).path) : req.path;
    try {
      await this.limiter.consume(`ip:${route}:${req.ip ?? 'unknown'}`);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw AppError.rateLimited(Math.max(1, err.msBeforeNext));
      throw new AppError(ErrorCode.UNAVAILABLE, 'Rate limiter unavailable, try again shortly');
    }
    return true;
  }
}
