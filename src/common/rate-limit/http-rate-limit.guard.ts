import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { isIP } from 'node:net';
import { AuthenticatedActor } from '../auth/actor';
import { AppError } from '../errors/app-error';
import { RateLimitService, RequestClass } from './rate-limit.service';

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
    const key = req.actor ? `user:${req.actor.userId}` : `ip:${addressKey(req.ip)}`;
    // Sends count in the very bucket message.send uses (keyed by user id alone).
    const outcome = cls === 'send' && req.actor ? await this.limits.take(this.limits.sends, req.actor.userId) : await this.limits.hit(cls === 'send' ? 'writes' : cls, key);
    const res = context.switchToHttp().getResponse<Response>();
    setRateLimitHeaders(res, { remainingPoints: outcome.remaining, msBeforeNext: outcome.resetMs }, outcome.limit, cls === 'send' ? undefined : 60);
    if (!outcome.allowed) throw AppError.rateLimited(outcome.retryAfterMs);
    return true;
  }
}

/** IETF draft RateLimit header fields (as express-rate-limit's draft-7 mode writes them). */
export function setRateLimitHeaders(res: Response, o: { remainingPoints: number; msBeforeNext: number }, limit: number, windowSeconds?: number): void {
  res.setHeader('RateLimit-Limit', String(limit));
  res.setHeader('RateLimit-Remaining', String(Math.max(0, o.remainingPoints)));
  res.setHeader('RateLimit-Reset', String(Math.max(0, Math.ceil(o.msBeforeNext / 1000))));
  if (windowSeconds) res.setHeader('RateLimit-Policy', `${limit};w=${windowSeconds}`);
}

/**
 * The part of a client address that identifies one client: an IPv4 address, or the /64 of an
 * IPv6 one (a single host is routinely given a whole /64, so counting whole addresses would
 * give one client billions of budgets).
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (v4) return v4[1];
  if (isIP(ip) !== 6) return ip.slice(0, 64);
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
