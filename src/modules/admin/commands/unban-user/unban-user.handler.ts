import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { AuditLog } from '../../../audit';
import { IdentityDirectory, Suspensions } from '../../../identity';
import { requireAdmin } from '../../domain/require-admin';
import { UnbanUserCommand } from './unban-user.command';

/** Lifts a ban; the user logs in again (their old sessions stay ended). Idempotent. */
@CommandHandler(UnbanUserCommand)
export class UnbanUserHandler implements ICommandHandler<UnbanUserCommand> {
  constructor(
    private readonly db: Db,
    private readonly identity: IdentityDirectory,
    private readonly suspensions: Suspensions,
    private readonly audit: AuditLog,
  ) {}

  async execute(cmd: UnbanUserCommand): Promise<void> {
    await this.db.transaction(async (tx) => {
      await requireAdmin(this.identity, cmd.actor, tx);
      const lifted = await this.suspensions.lift(cmd.userId, tx);
      if (lifted === 'not-found') throw AppError.notFound('User');
      if (lifted === 'lifted') await this.audit.record({ actorId: cmd.actor.userId, action: 'user.unban', targetType: 'user', targetId: cmd.userId }, tx);
    });
  }
}
