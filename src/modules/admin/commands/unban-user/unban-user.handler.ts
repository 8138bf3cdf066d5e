import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AppError } from '../../../../common/errors/app-error';
import { requireAdmin } from '../../domain/require-admin';
import { UnbanUserCommand } from './unban-user.command';

/** Lifts a ban; the user logs in again (their old sessions stay ended). Idempotent. */
@CommandHandler(UnbanUserCommand)
export class UnbanUserHandler implements ICommandHandler<UnbanUserCommand> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(cmd: UnbanUserCommand): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      await requireAdmin(manager, cmd.actor);
      const targets: { banned_at: Date | null }[] = await manager.query(`SELECT banned_at FROM users WHERE id = $1 FOR UPDATE`, [cmd.userId]);
      if (!targets[0]) throw AppError.notFound('User');
      if (!targets[0].banned_at) return;
      await manager.query(`UPDATE users SET banned_at = NULL, updated_at = now() WHERE id = $1`, [cmd.userId]);
      await manager.query(
        `INSERT INTO audit_log (id, actor_id, action, target_type, target_id) VALUES ($1, $2, 'user.unban', 'user', $3)`,
        [uuidv7(), cmd.actor.userId, cmd.userId],
      );
    });
  }
}
