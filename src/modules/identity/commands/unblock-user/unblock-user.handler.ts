import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { UserUnblockedEvent } from '../../events/user-blocked.event';
import { BlocksRepository } from '../../repositories/blocks.repository';
import { UsersRepository } from '../../repositories/users.repository';
import { UnblockUserCommand } from './unblock-user.command';

/** Idempotent: unblocking someone not blocked answers 204 too; an unknown user is 404. */
@CommandHandler(UnblockUserCommand)
export class UnblockUserHandler implements ICommandHandler<UnblockUserCommand> {
  constructor(
    private readonly users: UsersRepository,
    private readonly blocks: BlocksRepository,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: UnblockUserCommand): Promise<void> {
    if (!(await this.users.existing([cmd.userId])).has(cmd.userId)) throw AppError.notFound('User');
    if (await this.blocks.delete(cmd.actor.userId, cmd.userId)) this.events.publish(new UserUnblockedEvent(cmd.actor.userId, cmd.userId));
  }
}
