import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import { AccessTokenService } from './access-token.service';
import { AuthenticatedActor } from './actor';

const IS_PUBLIC = 'parley:isPublic';
/** Marks a route that needs no bearer token (register, login, refresh, health). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

const ALLOWS_ENDED_SESSION = 'parley:allowsEndedSession';
/** A route that takes the bearer token of a session that has already ended (logout: retrying it is a no-op). */
export const AllowsEndedSession = (): MethodDecorator => SetMetadata(ALLOWS_ENDED_SESSION, true);

type AuthedRequest = Request & { actor?: AuthenticatedActor };

/** Every HTTP route requires `Authorization: Bearer <accessToken>` unless marked @Public(). */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw AppError.unauthenticated('Authorization: Bearer <accessToken> is required');
    const allowEnded = this.reflector.get<boolean | undefined>(ALLOWS_ENDED_SESSION, context.getHandler()) === true;
    req.actor = await this.tokens.verify(match[1], { allowEnded });
    return true;
  }
}

/** The authenticated caller of an HTTP route. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedActor => {
  const actor = ctx.switchToHttp().getRequest<AuthedRequest>().actor;
  if (!actor) throw AppError.unauthenticated();
  return actor;
});
