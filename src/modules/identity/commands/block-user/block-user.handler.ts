import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AppError } from '../../../../common/errors/app-error';
import { UserEntity } from '../../entities/user.entity';
import { UserBlockedEvent } from '../../events/user-blocked.event';
import { BlockUserCommand } from './block-user.command';

/** Idempotent: blocking someone already blocked is a no-op that still answers 204. */
@CommandHandler(BlockUserCommand)
export class BlockUserHandler implements ICommandHandler<BlockUserCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: BlockUserCommand): Promise<void> {
    if (cmd.userId === cmd.actor.userId) {
      throw AppError.validation('You cannot block yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const inserted = await inTransaction(this.dataSource, async (manager) => {
      const target = await manager.existsBy(UserEntity, { id: cmd.userId });
      if (!target) throw AppError.notFound('User');
      const rows: unknown[] = await manager.query(
        `INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING blocked_id`,
        [cmd.actor.userId, cmd.userId],
      );
      return rows.length > 0;
    });
    if (inserted) this.events.publish(new UserBlockedEvent(cmd.actor.userId, cmd.userId));
  }
}
