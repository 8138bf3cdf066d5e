import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { AppError } from '../../../../common/errors/app-error';
import { parseRefreshToken, secretMatches } from '../../domain/refresh-token';
import { Db } from '../../../../database/db';
import { SessionsRepository } from '../../repositories/sessions.repository';
import { SessionIssuer } from '../../domain/session-issuer';
import { TokenPairView } from '../../domain/user.views';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { RefreshSessionCommand } from './refresh-session.command';

type Outcome = { kind: 'rotated'; tokens: TokenPairView } | { kind: 'reused'; userId: string; sessionId: string } | { kind: 'refused' };

/**
 * Rotates a refresh token. Presenting a token that was already rotated means it leaked:
 * the whole family (session) is revoked, committed, and the caller gets 401; except within
 * REFRESH_REUSE_GRACE_SECONDS of its rotation (two tabs of one session refreshing at once),
 * when it gets a fresh pair of the same family.
 */
@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand> {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionsRepository,
    private readonly issuer: SessionIssuer,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: RefreshSessionCommand): Promise<TokenPairView> {
    const parsed = parseRefreshToken(cmd.refreshToken);
    if (!parsed) throw invalid();

    const outcome = await this.db.transaction(async (tx): Promise<Outcome> => {
      const row = await this.sessions.lockRefreshToken(parsed.id, tx);
      if (!row || !secretMatches(parsed.secret, row.token_hash) || row.revoked_at) return { kind: 'refused' };
      const graceMs = this.config.auth.refreshReuseGraceSeconds * 1000;
      if (row.used_at && (row.used_ms_ago ?? Infinity) > graceMs) {
        await this.sessions.revoke(row.session_id, tx);
        return { kind: 'reused', userId: row.user_id, sessionId: row.session_id };
      }
      if (row.expires_at.getTime() <= Date.now() || row.banned_at) return { kind: 'refused' };
      // Within the grace a used token stays used (from its first rotation): the grace never grows.
      if (!row.used_at) await this.sessions.markTokenUsed(row.id, tx);
      await this.sessions.touch(row.session_id, tx);
      return { kind: 'rotated', tokens: await this.issuer.issue(tx, row.user_id, row.session_id) };
    });

    if (outcome.kind === 'rotated') return outcome.tokens;
    if (outcome.kind === 'reused') {
      try {
        await this.accessTokens.markSessionsRevoked([outcome.sessionId]);
      } finally {
        this.events.publish(new SessionRevokedEvent(outcome.userId, outcome.sessionId, 'token_reuse'));
      }
    }
    throw invalid();
  }
}

function invalid(): AppError {
  return AppError.unauthenticated('The refresh token is invalid, expired or already used');
}
