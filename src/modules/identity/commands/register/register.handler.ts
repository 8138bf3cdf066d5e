import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { Db, pgError } from '../../../../database/db';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { AuthResultView, toPrivateUser } from '../../domain/user.views';
import { UserRegisteredEvent } from '../../events/user-registered.event';
import { UsersRepository } from '../../repositories/users.repository';
import { RegisterCommand } from './register.command';

@CommandHandler(RegisterCommand)
export class RegisterHandler implements ICommandHandler<RegisterCommand> {
  constructor(
    private readonly db: Db,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RegisterCommand): Promise<AuthResultView> {
    const passwordHash = await this.hasher.hash(cmd.password);
    let result: AuthResultView;
    try {
      result = await this.db.transaction(async (tx) => {
        const user = await this.users.insert({ id: uuidv7(), username: cmd.username, email: cmd.email, displayName: cmd.displayName ?? cmd.username, passwordHash }, tx);
        const tokens = await this.sessions.start(tx, user.id, cmd.meta);
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
  const { code, constraint } = pgError(err);
  if (code !== '23505') return err;
  return (constraint ?? '').includes('email') ? AppError.conflict('email is already registered') : AppError.conflict('username is already taken');
}
