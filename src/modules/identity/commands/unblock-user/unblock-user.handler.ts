import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { UserBlockEntity } from '../../entities/user-block.entity';
import { UserEntity } from '../../entities/user.entity';
import { UserUnblockedEvent } from '../../events/user-blocked.event';
import { UnblockUserCommand } from './unblock-user.command';

/** Idempotent: unblocking someone not blocked answers 204 too; an unknown user is 404. */
@CommandHandler(UnblockUserCommand)
export class UnblockUserHandler implements ICommandHandler<UnblockUserCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: UnblockUserCommand): Promise<void> {
    if (!(await this.dataSource.getRepository(UserEntity).existsBy({ id: cmd.userId }))) {
      throw AppError.notFound('User');
    }
    const result = await this.dataSource
      .getRepository(UserBlockEntity)
      .delete({ blockerId: cmd.actor.userId, blockedId: cmd.userId });
    if (result.affected) this.events.publish(new UserUnblockedEvent(cmd.actor.userId, cmd.userId));
  }
}
