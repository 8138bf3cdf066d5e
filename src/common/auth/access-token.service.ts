import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AppError, ErrorCode } from '../errors/app-error';
import { DependencyMonitor, withTimeout } from '../lifecycle/dependency-monitor';
import { REDIS } from '../redis/redis.module';
import { AccessTokenClaims, AuthenticatedActor } from './actor';
import { SESSION_STATE_READER, SessionState, SessionStateReader } from './session-state';

const LIVE = 'live';
const ENDED = 'ended';

/**
 * Issues and verifies short-lived access tokens (HS256 JWT). Whether a token's session is
 * still live is decided by PostgreSQL (`sessions.revoked_at`, the user's ban); Redis caches
 * the answer, so a logged-out or compromised session's tokens stop working at once on every
 * node, and a Redis that lost its keys or went down only costs a database read.
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SESSION_STATE_READER) private readonly sessions: SessionStateReader,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dependencies: DependencyMonitor,
  ) {}

  get ttlSeconds(): number {
    return this.config.auth.accessTtlSeconds;
  }

  sign(actor: Pick<AuthenticatedActor, 'userId' | 'sessionId'>): string {
    const claims: AccessTokenClaims = { sub: actor.userId, sid: actor.sessionId, typ: 'access' };
    return this.jwt.sign(claims, {
      secret: this.config.auth.accessSecret,
      algorithm: 'HS256',
      expiresIn: this.config.auth.accessTtlSeconds,
    });
  }

  /**
   * Returns the actor, or throws UNAUTHENTICATED for a missing, bad, expired or revoked token
   * (a revoked one is accepted with `allowEnded`: logging out of an ended session is a no-op).
   */
  async verify(token: unknown, { allowEnded = false } = {}): Promise<AuthenticatedActor> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw AppError.unauthenticated('A valid access token is required');
    }
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, { secret: this.config.auth.accessSecret, algorithms: ['HS256'] });
    } catch {
      throw AppError.unauthenticated('The access token is invalid or expired');
    }
    // Every token this service signs expires, and names its session's user in lower case.
    if (claims.typ !== 'access' || typeof claims.exp !== 'number' || !isUuid(claims.sub) || !isUuid(claims.sid)) {
      throw AppError.unauthenticated('The access token is invalid or expired');
    }
    const userId = claims.sub.toLowerCase();
    const sessionId = claims.sid.toLowerCase();
    if (!allowEnded && (await this.isRevoked(sessionId, userId))) {
      throw AppError.unauthenticated('The session has ended');
    }
    return { userId, sessionId, expiresAt: claims.exp * 1000 };
  }

  /**
   * Whether the session has ended (logout, reuse of a rotated refresh token, ban, or gone):
   * Redis's cached answer when it has one, else PostgreSQL's (then cached). UNAVAILABLE only
   * when neither answers.
   */
  async isRevoked(sessionId: string, userId: string): Promise<boolean> {
    const key = this.stateKey(sessionId);
    const redisUp = this.dependencies.isUp('redis');
    const cached = redisUp ? await this.cachedState(key) : undefined;
    if (cached === ENDED) return true;
    // A live session is cached with its user: a token naming someone else is not its own.
    if (cached === `${LIVE}:${userId}`) return false;
    let state: SessionState;
    try {
      state = await this.sessions.state(sessionId, userId);
      // NX: a revocation written meanwhile is never overwritten with "live".
      if (cached === null && state !== 'foreign') {
        const value = state === 'ended' ? ENDED : `${LIVE}:${userId}`;
        const ttl = state === 'ended' ? this.endedTtlSeconds() : this.config.auth.sessionCacheSeconds;
        // Not waited for: the answer is known, a slow Redis must not delay it.
        void this.redis.set(key, value, 'EX', ttl, 'NX').catch(() => undefined);
      }
    } catch {
      throw new AppError(ErrorCode.UNAVAILABLE, 'Session store unavailable, try again shortly');
    }
    return state !== 'live';
  }

  /** The cached state, or undefined when Redis does not answer in time (PostgreSQL answers instead). */
  private async cachedState(key: string): Promise<string | null | undefined> {
    try {
      return await withTimeout(this.redis.get(key), this.config.redis.fallbackAfterMs);
    } catch {
      return undefined;
    }
  }

  /** Of these sessions, the ones that have ended (or no longer exist), as PostgreSQL says. */
  endedSessions(sessionIds: readonly string[]): Promise<Set<string>> {
    return this.sessions.endedAmong(sessionIds);
  }

  /**
   * Tells every node at once that these sessions ended. Call after the revocation committed
   * in PostgreSQL (the source of truth). If Redis cannot take it, a node could believe a cached
   * "live" for up to SESSION_CACHE_SECONDS: the caller is told (UNAVAILABLE) and retries.
   */
  async markSessionsRevoked(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    if (!this.dependencies.isUp('redis')) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'The session has ended, but not every server could be told yet; try again shortly');
    }
    const pipeline = this.redis.pipeline();
    for (const sid of sessionIds) pipeline.set(this.stateKey(sid), ENDED, 'EX', this.endedTtlSeconds());
    let results: [Error | null, unknown][] | null;
    try {
      results = await pipeline.exec();
    } catch {
      results = null;
    }
    if (!results || results.some(([err]) => err)) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'The session has ended, but not every server could be told yet; try again shortly');
    }
  }

  /** An ended session's tokens all expire within one access-token lifetime. */
  private endedTtlSeconds(): number {
    return this.config.auth.accessTtlSeconds + 60;
  }

  private stateKey(sessionId: string): string {
    return `${this.config.redis.keyPrefix}session-state:${sessionId}`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
