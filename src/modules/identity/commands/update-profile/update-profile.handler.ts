import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { PrivateUserView, toPrivateUser } from '../../domain/user.views';
import { UsersRepository } from '../../repositories/users.repository';
import { UpdateProfileCommand } from './update-profile.command';

@CommandHandler(UpdateProfileCommand)
export class UpdateProfileHandler implements ICommandHandler<UpdateProfileCommand> {
  constructor(private readonly users: UsersRepository) {}

  async execute(cmd: UpdateProfileCommand): Promise<PrivateUserView> {
    const user = await this.users.updateProfile(cmd.actor.userId, {
      displayName: cmd.displayName,
      timezone: cmd.timezone === undefined ? undefined : canonicalTimeZone(cmd.timezone),
      groupInvites: cmd.groupInvites,
    });
    if (!user) throw AppError.notFound('User');
    return toPrivateUser(user);
  }
}

/** `europe/paris` and `Europe/Paris` name the same zone; store the canonical spelling. */
function canonicalTimeZone(zone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
