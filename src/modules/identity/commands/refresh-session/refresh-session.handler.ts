import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { AppError } from '../../../../common/errors/app-error';
import { parseRefreshToken, secretMatches } from '../../domain/refresh-token';
import { SessionIssuer } from '../../domain/session-issuer';
import { TokenPairView } from '../../domain/user.views';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { RefreshSessionCommand } from './refresh-session.command';

export interface TokenRow {
  id: string;
  session_id: string;
  token_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
  /** Milliseconds since used_at, on the database's clock (the one that wrote it). */
  used_ms_ago: number | null;
  revoked_at: Date | null;
  user_id: string;
  role: 'user' | 'admin';
  banned_at: Date | null;
}

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
    private readonly dataSource: DataSource,
    private readonly sessions: SessionIssuer,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: RefreshSessionCommand): Promise<TokenPairView> {
    const parsed = parseRefreshToken(cmd.refreshToken);
    if (!parsed) throw invalid();

    const outcome = await inTransaction(this.dataSource, async (manager): Promise<Outcome> => {
      const rows: TokenRow[] = await manager.query(
        `SELECT t.id, t.session_id, t.token_hash, t.expires_at, t.used_at, (extract(epoch FROM now() - t.used_at) * 1000)::float8 AS used_ms_ago,
                s.revoked_at, s.user_id, u.role, u.banned_at
           FROM refresh_tokens t
           JOIN sessions s ON s.id = t.session_id
           JOIN users u ON u.id = s.user_id
          WHERE t.id = $1
          FOR UPDATE OF t, s`,
        [parsed.id],
      );
      const row = rows[0];
      if (!row || !secretMatches(parsed.secret, row.token_hash) || row.revoked_at) return { kind: 'refused' };
      const graceMs = this.config.auth.refreshReuseGraceSeconds * 1000;
      if (row.used_at && (row.used_ms_ago ?? Infinity) > graceMs) {
        await manager.query(`UPDATE sessions SET revoked_at = now() WHERE id = $1`, [row.session_id]);
        return { kind: 'reused', userId: row.user_id, sessionId: row.session_id };
      }
      if (row.expires_at.getTime() <= Date.now() || row.banned_at) return { kind: 'refused' };
      // Within the grace a used token stays used (from its first rotation): the grace never grows.
      if (!row.used_at) await manager.query(`UPDATE refresh_tokens SET used_at = now() WHERE id = $1`, [row.id]);
      await manager.query(`UPDATE sessions SET last_used_at = now() WHERE id = $1`, [row.session_id]);
      const tokens = await this.sessions.issue(manager, { id: row.user_id }, row.session_id);
      return { kind: 'rotated', tokens };
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
