import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { parseRefreshToken, secretMatches } from '../../domain/refresh-token';
import { SessionEntity } from '../../entities/session.entity';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { LogoutCommand } from './logout.command';

/**
 * Ends the one session the refresh token belongs to, if it is the caller's. Idempotent:
 * an unknown, foreign or already-ended session is a no-op (204), so retries are safe.
 */
@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: LogoutCommand): Promise<void> {
    const parsed = parseRefreshToken(cmd.refreshToken);
    if (!parsed) return;
    const rows: { session_id: string; token_hash: Buffer }[] = await this.dataSource.query(
      `SELECT t.session_id, t.token_hash FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
        WHERE t.id = $1 AND s.user_id = $2`,
      [parsed.id, cmd.actor.userId],
    );
    const row = rows[0];
    if (!row || !secretMatches(parsed.secret, row.token_hash)) return;
    await this.dataSource
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id: row.session_id })
      .execute();
    // Committed. The session's sockets are closed whether or not Redis takes the marker (a
    // retry does both again); 204 only once it has.
    try {
      await this.accessTokens.markSessionsRevoked([row.session_id]);
    } finally {
      this.events.publish(new SessionRevokedEvent(cmd.actor.userId, row.session_id, 'logout'));
    }
  }
}
