import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { LoginThrottle } from '../../domain/login-throttle';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { AuthResultView, toPrivateUser } from '../../domain/user.views';
import { UsersRepository } from '../../repositories/users.repository';
import { LoginCommand } from './login.command';

const WRONG_CREDENTIALS = 'Wrong login or password';

/**
 * Username or email and password. Attempts are throttled per (address, account) and slowed
 * down per account (LoginThrottle); a password stored with older hashing parameters is
 * rehashed with the current ones once it checks out.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    private readonly db: Db,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(cmd: LoginCommand): Promise<AuthResultView> {
    const login = cmd.login.toLowerCase();
    const ip = cmd.meta?.ip;
    const user = await this.users.findByLogin(login);
    // One account whether it is named by username or by email.
    const account = user ? `user:${user.id}` : `login:${login}`;
    await this.throttle.beforeAttempt(ip, account);

    // An unknown user is verified against a dummy hash: same answer, about the same time.
    const ok = await this.hasher.verify(user?.passwordHash ?? null, cmd.password);
    if (!user || !ok) throw AppError.unauthenticated(WRONG_CREDENTIALS);
    const rehashed = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(cmd.password) : null;

    const tokens = await this.db.transaction(async (tx) => {
      // A ban locks the user row FOR UPDATE and ends the sessions that exist: read the ban
      // under a share lock, so one landing during the password check is not missed.
      if (await this.users.bannedAtForSignIn(user.id, tx)) throw AppError.forbidden('This account is suspended');
      if (rehashed) await this.users.replacePasswordHash(user.id, user.passwordHash, rehashed, tx);
      return this.sessions.start(tx, user.id, cmd.meta);
    });
    await this.throttle.succeeded(ip, account);
    return { user: toPrivateUser(user), ...tokens };
  }
}
