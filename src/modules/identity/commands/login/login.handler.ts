import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { inTransaction } from '../../../../database/transaction';
import { LoginThrottle } from '../../domain/login-throttle';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { AuthResultView, toPrivateUser } from '../../domain/user.views';
import { UserEntity } from '../../entities/user.entity';
import { LoginCommand } from './login.command';

const WRONG_CREDENTIALS = 'Wrong login or password';

/**
 * Username or email and password. Failed attempts are throttled per (address, name) and
 * slowed down per name (LoginThrottle); a password stored with older hashing parameters is
 * rehashed with the current ones once it checks out.
 */
@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionIssuer,
    private readonly throttle: LoginThrottle,
  ) {}

  async execute(cmd: LoginCommand): Promise<AuthResultView> {
    const login = cmd.login.toLowerCase();
    const ip = cmd.meta?.ip;
    const user = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where(login.includes('@') ? 'lower(u.email) = :login' : 'lower(u.username) = :login', { login })
      .getOne();
    // One account whether it is named by username or by email.
    const account = user ? `user:${user.id}` : `login:${login}`;
    await this.throttle.beforeAttempt(ip, account);

    // An unknown user is verified against a dummy hash: same answer, about the same time.
    const ok = await this.hasher.verify(user?.passwordHash ?? null, cmd.password);
    if (!user || !ok) throw AppError.unauthenticated(WRONG_CREDENTIALS);
    const rehashed = this.hasher.needsRehash(user.passwordHash) ? await this.hasher.hash(cmd.password) : null;

    const tokens = await inTransaction(this.dataSource, async (manager) => {
      // A ban locks the user row FOR UPDATE and ends the sessions that exist: read the ban
      // under a share lock, so one landing during the password check is not missed.
      const [current] = await queryRows<{ banned_at: Date | null }>(manager, `SELECT banned_at FROM users WHERE id = $1 FOR SHARE`, [user.id]);
      if (current?.banned_at) throw AppError.forbidden('This account is suspended');
      if (rehashed) {
        // Only if the password did not change meanwhile.
        await manager.query(`UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3`, [user.id, rehashed, user.passwordHash]);
      }
      return this.sessions.start(manager, user, cmd.meta);
    });
    await this.throttle.succeeded(ip, account);
    return { user: toPrivateUser(user), ...tokens };
  }
}
