import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AppError, ErrorCode } from '../errors/app-error';
import { REDIS } from '../redis/redis.module';
import { AccessTokenClaims, AuthenticatedActor } from './actor';

/**
 * Issues and verifies short-lived access tokens (HS256 JWT). Ending a session also
 * marks it revoked in Redis for the access-token lifetime, so a logged-out or
 * compromised session's access tokens stop working at once, on every node.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  sign(actor: AuthenticatedActor): string {
    const claims: AccessTokenClaims = { sub: actor.userId, role: actor.role, sid: actor.sessionId, typ: 'access' };
    return this.jwt.sign(claims, {
      secret: this.config.auth.accessSecret,
      algorithm: 'HS256',
      expiresIn: this.config.auth.accessTtlSeconds,
    });
  }

  /** Returns the actor, or throws UNAUTHENTICATED for a missing, bad, expired or revoked token. */
  async verify(token: unknown): Promise<AuthenticatedActor> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw AppError.unauthenticated('A valid access token is required');
    }
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, { secret: this.config.auth.accessSecret, algorithms: ['HS256'] });
    } catch {
      throw AppError.unauthenticated('The access token is invalid or expired');
    }
    if (claims.typ !== 'access' || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') {
      throw AppError.unauthenticated('The access token is invalid or expired');
    }
    if (await this.isRevoked(claims.sid)) {
      throw AppError.unauthenticated('The session has ended');
    }
    return {
      userId: claims.sub,
      role: claims.role === 'admin' ? 'admin' : 'user',
      sessionId: claims.sid,
      ...(typeof claims.exp === 'number' ? { expiresAt: claims.exp * 1000 } : {}),
    };
  }

  /** Whether the session has ended (logout, reuse of a rotated refresh token, ban); UNAVAILABLE if Redis does not answer. */
  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.revokedKey(sessionId))) > 0;
    } catch {
      throw new AppError(ErrorCode.UNAVAILABLE, 'Session store unavailable, try again shortly');
    }
  }

  async markSessionsRevoked(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const sid of sessionIds) pipeline.set(this.revokedKey(sid), '1', 'EX', this.config.auth.accessTtlSeconds + 60);
    await pipeline.exec();
  }

  private revokedKey(sessionId: string): string {
    return `${this.config.redis.keyPrefix}revoked-session:${sessionId}`;
  }
}
