import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource, QueryFailedError } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { AuthResultView, toPrivateUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { UserRegisteredEvent } from '../../events/user-registered.event';
import { RegisterCommand } from './register.command';

@CommandHandler(RegisterCommand)
export class RegisterHandler implements ICommandHandler<RegisterCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RegisterCommand): Promise<AuthResultView> {
    const passwordHash = await this.hasher.hash(cmd.password);
    let result: AuthResultView;
    try {
      result = await inTransaction(this.dataSource, async (manager) => {
        const id = uuidv7();
        await manager.insert(UserEntity, {
          id,
          username: cmd.username,
          email: cmd.email,
          displayName: cmd.displayName ?? cmd.username,
          passwordHash,
        });
        const user = await manager.findOneByOrFail(UserEntity, { id });
        const tokens = await this.sessions.start(manager, user, cmd.meta);
        return { user: toPrivateUser(user), ...tokens };
      });
    } catch (err) {
      throw uniqueViolationToConflict(err);
    }
    this.events.publish(new UserRegisteredEvent(result.user.id, result.user.username));
    return result;
  }
}

/** Both uniqueness rules are enforced by the database; report which one fired. */
function uniqueViolationToConflict(err: unknown): unknown {
  if (err instanceof QueryFailedError && (err.driverError as { code?: string }).code === '23505') {
    const constraint = (err.driverError as { constraint?: string }).constraint ?? '';
    if (constraint.includes('email')) return AppError.conflict('email is already registered');
    return AppError.conflict('username is already taken');
  }
  return err;
}
