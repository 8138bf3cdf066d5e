import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { requireAdmin } from '../../domain/require-admin';
import { UserBannedEvent } from '../../events/user-banned.event';
import { BanUserCommand, BanView } from './ban-user.command';

/**
 * Bans a user: login and refresh are refused from now on, every session ends (its access
 * tokens stop working at once) and every socket of the user is closed on every node.
 * Idempotent: banning a banned user answers the existing ban.
 */
@CommandHandler(BanUserCommand)
export class BanUserHandler implements ICommandHandler<BanUserCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: BanUserCommand): Promise<BanView> {
    if (cmd.userId === cmd.actor.userId) {
      throw AppError.validation('You cannot ban yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      await requireAdmin(manager, cmd.actor);
      const targets: { role: string; banned_at: Date | null }[] = await manager.query(
        `SELECT role, banned_at FROM users WHERE id = $1 FOR UPDATE`,
        [cmd.userId],
      );
      const target = targets[0];
      if (!target) throw AppError.notFound('User');
      if (target.role === 'admin') throw AppError.forbidden('An administrator cannot be banned');
      if (target.banned_at) {
        const previous: { details: { reason?: string | null } }[] = await manager.query(
          `SELECT details FROM audit_log WHERE target_type = 'user' AND target_id = $1 AND action = 'user.ban'
            ORDER BY created_at DESC, id DESC LIMIT 1`,
          [cmd.userId],
        );
        return { bannedAt: target.banned_at, reason: previous[0]?.details.reason ?? null, sessionIds: [] as string[] };
      }
      const [{ banned_at }] = await queryRows<{ banned_at: Date }>(
        manager,
        `UPDATE users SET banned_at = now(), updated_at = now() WHERE id = $1 RETURNING banned_at`,
        [cmd.userId],
      );
      const sessions = await queryRows<{ id: string }>(
        manager,
        `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
        [cmd.userId],
      );
      await manager.query(
        `INSERT INTO audit_log (id, actor_id, action, target_type, target_id, details) VALUES ($1, $2, 'user.ban', 'user', $3, $4)`,
        [uuidv7(), cmd.actor.userId, cmd.userId, JSON.stringify({ reason: cmd.reason ?? null, sessionsEnded: sessions.length })],
      );
      return { bannedAt: banned_at, reason: cmd.reason ?? null, sessionIds: sessions.map((s) => s.id) };
    });
    // Access tokens of ended sessions are refused before any socket is closed, so a
    // closed socket's reconnect with its old token fails.
    try {
      await this.accessTokens.markSessionsRevoked(outcome.sessionIds);
    } finally {
      // Published on a repeated ban too, and when Redis could not take the marker: closing
      // sockets again is harmless and heals a lost broadcast.
      this.events.publish(new UserBannedEvent(cmd.userId, outcome.sessionIds));
    }
    return { userId: cmd.userId, bannedAt: outcome.bannedAt.toISOString(), reason: outcome.reason };
  }
}
