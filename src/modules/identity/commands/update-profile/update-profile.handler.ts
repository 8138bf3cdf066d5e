import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { PrivateUserView, toPrivateUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { UpdateProfileCommand } from './update-profile.command';

@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(cmd: UpdateProfileCommand): Promise<PrivateUserView> {
    const changes: Partial<UserEntity> = {};
    if (cmd.displayName !== undefined) changes.displayName = cmd.displayName;
    if (cmd.timezone !== undefined) changes.timezone = canonicalTimeZone(cmd.timezone);
    if (cmd.groupInvites !== undefined) changes.groupInvites = cmd.groupInvites;
    const repo = this.dataSource.getRepository(UserEntity);
    if (Object.keys(changes).length > 0) {
      await repo.update({ id: cmd.actor.userId }, { ...changes, updatedAt: () => 'now()' });
    }
    const user = await repo.findOneBy({ id: cmd.actor.userId });
    if (!user) throw AppError.notFound('User');
    return toPrivateUser(user);
  }
}

/** `europe/paris` and `Europe/Paris` name the same zone; store the canonical spelling. */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
