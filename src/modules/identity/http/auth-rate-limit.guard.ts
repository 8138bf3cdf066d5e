import { CanActivate, ExecutionContext, Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Request } from 'express';
import Redis from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { REDIS } from '../../../common/redis/redis.module';

/**
 * Limits register, login and refresh per client IP and per login name, counted in Redis
 * so every API process shares the count. The IP is Express's req.ip, which only trusts
 * X-Forwarded-For when TRUST_PROXY says so.
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
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const route = req.route ? String((req.route as { path?: string }).path) : req.path;
    const keys = [`ip:${route}:${req.ip ?? 'unknown'}`];
    const name = loginNameOf(req.body);
    if (name) keys.push(`name:${route}:${name}`);
    const outcomes = await Promise.allSettled(keys.map((k) => this.limiter.consume(k)));
    let waitMs = 0;
    for (const o of outcomes) {
      if (o.status === 'fulfilled') continue;
      if (o.reason instanceof RateLimiterRes) waitMs = Math.max(waitMs, o.reason.msBeforeNext);
      else throw new AppError(ErrorCode.UNAVAILABLE, 'Rate limiter unavailable, try again shortly');
    }
    if (waitMs > 0) throw AppError.rateLimited(waitMs);
    return true;
  }
}

function loginNameOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const name = typeof b.login === 'string' ? b.login : typeof b.username === 'string' ? b.username : null;
  return name ? name.trim().toLowerCase().slice(0, 254) : null;
}
