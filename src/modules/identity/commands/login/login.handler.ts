import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { AuthResultView, toPrivateUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { LoginCommand } from './login.command';

const WRONG_CREDENTIALS = 'Wrong login or password';

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
  ) {}

  async execute(cmd: LoginCommand): Promise<AuthResultView> {
    const login = cmd.login.toLowerCase();
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(login.includes('@') ? 'lower(u.email) = :login' : 'lower(u.username) = :login', { login })
      .getOne();

    // An unknown user is verified against a dummy hash: same answer, about the same time.
    const ok = await this.hasher.verify(user?.passwordHash ?? null, cmd.password);
    if (!user || !ok) throw AppError.unauthenticated(WRONG_CREDENTIALS);

    const tokens = await this.dataSource.transaction(async (manager) => {
      // A ban locks the user row FOR UPDATE and ends the sessions that exist: read the ban
      // under a share lock, so one landing during the password check is not missed.
      const [current] = await queryRows<{ banned_at: Date | null }>(manager, `SELECT banned_at FROM users WHERE id = $1 FOR SHARE`, [user.id]);
      if (current?.banned_at) throw AppError.forbidden('This account is suspended');
      return this.sessions.start(manager, user, cmd.meta);
    });
    return { user: toPrivateUser(user), ...tokens };
  }
}
