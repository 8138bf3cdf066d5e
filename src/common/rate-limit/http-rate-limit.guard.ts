import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { AuthenticatedActor } from '../auth/actor';
import { AppError } from '../errors/app-error';
import { LimitOutcome, RateLimitService, RequestClass } from './rate-limit.service';

/** `send` shares the message.send token bucket; `own` routes limit themselves (register, login, refresh); `none` is never limited (health). */
export type RateLimitClass = RequestClass | 'send' | 'own' | 'none';

const RATE_LIMIT_CLASS = 'parley:rateLimitClass';
/** The limit a route counts against; without it, reads for GET and writes for everything else. */
export const RateLimitAs = (cls: RateLimitClass): MethodDecorator & ClassDecorator => SetMetadata(RATE_LIMIT_CLASS, cls);

/**
 * Every REST route is limited per user (per address when anonymous), shared through Redis by
 * every process, with `RateLimit-*` headers on the answer and 429 RATE_LIMITED with
 * Retry-After beyond the limit: never a silent drop. Runs after authentication.
 */
@Injectable()
export class HttpRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limits: RateLimitService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const declared = this.reflector.getAllAndOverride<RateLimitClass | undefined>(RATE_LIMIT_CLASS, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<Request & { actor?: AuthenticatedActor }>();
    const cls: RateLimitClass = declared ?? (req.method === 'GET' || req.method === 'HEAD' ? 'reads' : 'writes');
    if (cls === 'none' || cls === 'own') return true;
    const key = req.actor ? `user:${req.actor.userId}` : `ip:${req.ip ?? 'unknown'}`;
    // Sends count in the very bucket message.send uses (keyed by user id alone).
    const outcome = cls === 'send' && req.actor ? await this.limits.take(this.limits.sends, req.actor.userId) : await this.limits.hit(cls === 'send' ? 'writes' : cls, key);
    setHeaders(context.switchToHttp().getResponse<Response>(), outcome, cls === 'send' ? undefined : 60);
    if (!outcome.allowed) throw AppError.rateLimited(outcome.retryAfterMs);
    return true;
  }
}

/** IETF draft RateLimit header fields (as express-rate-limit's draft-7 mode writes them). */
function setHeaders(res: Response, o: LimitOutcome, windowSeconds?: number): void {
  res.setHeader('RateLimit-Limit', String(o.limit));
  res.setHeader('RateLimit-Remaining', String(o.remaining));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(o.resetMs / 1000))));
  if (windowSeconds) res.setHeader('RateLimit-Policy', `${o.limit};w=${windowSeconds}`);
}
