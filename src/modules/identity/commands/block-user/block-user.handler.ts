import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { UserBlockedEvent } from '../../events/user-blocked.event';
import { BlocksRepository } from '../../repositories/blocks.repository';
import { UsersRepository } from '../../repositories/users.repository';
import { BlockUserCommand } from './block-user.command';

/** Idempotent: blocking someone already blocked is a no-op that still answers 204. */
@CommandHandler(BlockUserCommand)
export class BlockUserHandler implements ICommandHandler<BlockUserCommand> {
  constructor(
    private readonly db: Db,
    private readonly users: UsersRepository,
    private readonly blocks: BlocksRepository,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: BlockUserCommand): Promise<void> {
    if (cmd.userId === cmd.actor.userId) {
      throw AppError.validation('You cannot block yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const inserted = await this.db.transaction(async (tx) => {
      if (!(await this.users.existing([cmd.userId], tx)).has(cmd.userId)) throw AppError.notFound('User');
      return this.blocks.insert(cmd.actor.userId, cmd.userId, tx);
    });
    if (inserted) this.events.publish(new UserBlockedEvent(cmd.actor.userId, cmd.userId));
  }
}
