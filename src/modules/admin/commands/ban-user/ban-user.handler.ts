import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AccessTokenService } from '../../../../common/auth/access-token.service';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { AuditLog } from '../../../audit';
import { IdentityDirectory, Suspensions } from '../../../identity';
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
    private readonly db: Db,
    private readonly identity: IdentityDirectory,
    private readonly suspensions: Suspensions,
    private readonly audit: AuditLog,
    private readonly accessTokens: AccessTokenService,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: BanUserCommand): Promise<BanView> {
    if (cmd.userId === cmd.actor.userId) {
      throw AppError.validation('You cannot ban yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const outcome = await this.db.transaction(async (tx) => {
      await requireAdmin(this.identity, cmd.actor, tx);
      const suspension = await this.suspensions.suspend(cmd.userId, tx);
      switch (suspension.outcome) {
        case 'not-found':
          throw AppError.notFound('User');
        case 'protected':
          throw AppError.forbidden('An administrator cannot be banned');
        case 'already': {
          const previous = await this.audit.latestDetails('user', cmd.userId, 'user.ban', tx);
          return { bannedAt: suspension.bannedAt, reason: typeof previous?.reason === 'string' ? previous.reason : null, sessionIds: [] as string[] };
        }
        case 'suspended':
          await this.audit.record(
            { actorId: cmd.actor.userId, action: 'user.ban', targetType: 'user', targetId: cmd.userId, details: { reason: cmd.reason ?? null, sessionsEnded: suspension.sessionIds.length } },
            tx,
          );
          return { bannedAt: suspension.bannedAt, reason: cmd.reason ?? null, sessionIds: suspension.sessionIds };
      }
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
