import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { parseRefreshToken, secretMatches } from '../../domain/refresh-token';
import { SessionRevokedEvent } from '../../events/session-revoked.event';
import { SessionsRepository } from '../../repositories/sessions.repository';
import { LogoutCommand } from './logout.command';

/**
 * Ends the one session the refresh token belongs to, if it is the caller's. Idempotent:
 * an unknown, foreign or already-ended session is a no-op (204), so retries are safe.
 */
@CommandHandler(LogoutCommand)
export class LogoutHandler implements ICommandHandler<LogoutCommand> {
  constructor(
    private readonly sessions: SessionsRepository,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: LogoutCommand): Promise<void> {
    const parsed = parseRefreshToken(cmd.refreshToken);
    if (!parsed) return;
    const row = await this.sessions.findOwnToken(parsed.id, cmd.actor.userId);
    if (!row || !secretMatches(parsed.secret, row.token_hash)) return;
    await this.sessions.revoke(row.session_id);
    // Committed. The session's sockets are closed whether or not Redis takes the marker (a
    // retry does both again); 204 only once it has.
    try {
      await this.accessTokens.markSessionsRevoked([row.session_id]);
    } finally {
      this.events.publish(new SessionRevokedEvent(cmd.actor.userId, row.session_id, 'logout'));
    }
  }
}
