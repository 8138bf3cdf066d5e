import { DataSource } from 'typeorm';
import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { LoginThrottle } from '../../domain/login-throttle';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { UserEntity } from '../../entities/user.entity';
import { LoginCommand } from './login.command';
import { LoginHandler } from './login.handler';

function harness(user: Partial<UserEntity> | null, passwordOk: boolean, bannedAtUnderLock: Date | null = user?.bannedAt ?? null) {
  const where: string[] = [];
  const qb = {
    addSelect: () => qb,
    where: (clause: string) => {
      where.push(clause);
      return qb;
    },
    getOne: () => Promise.resolve(user),
  };
  const manager = { query: jest.fn().mockResolvedValue(user ? [{ banned_at: bannedAtUnderLock }] : []) };
  const dataSource = {
    getRepository: () => ({ createQueryBuilder: () => qb }),
    transaction: (fn: (m: unknown) => Promise<unknown>) => fn(manager),
  } as unknown as DataSource;
  const hasher = {
    verify: jest.fn().mockResolvedValue(passwordOk),
    needsRehash: jest.fn().mockReturnValue(false),
    hash: jest.fn().mockResolvedValue('$argon2id$new'),
  } as unknown as PasswordHasher & { needsRehash: jest.Mock; hash: jest.Mock };
  const sessions = { start: jest.fn().mockResolvedValue({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }) } as unknown as SessionIssuer;
  const throttle = {
    beforeAttempt: jest.fn().mockResolvedValue(undefined),
    succeeded: jest.fn().mockResolvedValue(undefined),
  } as unknown as LoginThrottle & { succeeded: jest.Mock; beforeAttempt: jest.Mock };
  return { handler: new LoginHandler(dataSource, hasher, sessions, throttle), hasher, sessions, where, manager, throttle };
}

const user: Partial<UserEntity> = {
  id: '0190c7c0-0000-7000-8000-0000000000aa',
  username: 'ada',
  email: 'Ada@Example.test',
  displayName: 'Ada',
  timezone: 'UTC',
  role: 'user',
  bannedAt: null,
  createdAt: new Date(),
  passwordHash: '$argon2id$stored',
};


describe('LoginHandler', () => {
  it('looks up by email when the login has an @, case-insensitively, else by username', async () => {
    const h = harness(user, true);
    await h.handler.execute(LoginCommand.create({ login: 'ADA@example.TEST', password: 'pw' }));
    await h.handler.execute(LoginCommand.create({ login: 'Ada', password: 'pw' }));
    expect(h.where).toEqual(['lower(u.email) = :login', 'lower(u.username) = :login']);
    expect(h.sessions.start).toHaveBeenCalledTimes(2);
  });

  it('verifies an unknown user against the dummy hash (same work) and answers the same 401 as a wrong password', async () => {
    const unknown = harness(null, false);
    const wrong = harness(user, false);
    const a = await unknown.handler.execute(LoginCommand.create({ login: 'ghost', password: 'pw' })).catch((e: AppError) => e);
    const b = await wrong.handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })).catch((e: AppError) => e);
    expect(unknown.hasher.verify).toHaveBeenCalledWith(null, 'pw');
    expect(wrong.hasher.verify).toHaveBeenCalledWith('$argon2id$stored', 'pw');
    expect(a).toBeInstanceOf(AppError);
    expect([(a as AppError).code, (a as AppError).message]).toEqual([(b as AppError).code, (b as AppError).message]);
    expect(unknown.sessions.start).not.toHaveBeenCalled();
    expect(unknown.throttle.beforeAttempt).toHaveBeenCalledWith(undefined, 'login:ghost');
    expect(wrong.throttle.beforeAttempt).toHaveBeenCalledWith(undefined, `user:${user.id}`);
    expect(wrong.throttle.succeeded).not.toHaveBeenCalled();
  });

  it('counts the attempt on the account (its username and email are one) before any password work, and a success clears it', async () => {
    const h = harness(user, true);
    await h.handler.execute(LoginCommand.create({ login: 'Ada', password: 'pw' }, { meta: { ip: '10.0.0.1' } }));
    await h.handler.execute(LoginCommand.create({ login: 'ada@example.test', password: 'pw' }, { meta: { ip: '10.0.0.1' } }));
    expect(h.throttle.beforeAttempt.mock.calls).toEqual([
      ['10.0.0.1', `user:${user.id}`],
      ['10.0.0.1', `user:${user.id}`],
    ]);
    expect(h.throttle.succeeded).toHaveBeenCalledWith('10.0.0.1', `user:${user.id}`);
    const blocked = harness(user, true);
    blocked.throttle.beforeAttempt.mockRejectedValue(AppError.rateLimited(60_000));
    expect((await appErrorOf(blocked.handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(ErrorCode.RATE_LIMITED);
    expect(blocked.hasher.verify).not.toHaveBeenCalled();
  });

  it('rehashes a password stored with older parameters, in the login transaction, only if it is unchanged', async () => {
    const h = harness(user, true);
    h.hasher.needsRehash.mockReturnValue(true);
    await h.handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' }));
    expect(h.hasher.hash).toHaveBeenCalledWith('pw');
    expect(h.manager.query).toHaveBeenCalledWith(expect.stringMatching(/^UPDATE users SET password_hash = \$2 WHERE id = \$1 AND password_hash = \$3/), [user.id, '$argon2id$new', '$argon2id$stored']);
  });

  it('refuses a banned account only after the password checked out', async () => {
    expect((await appErrorOf(harness({ ...user, bannedAt: new Date() }, true).handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(
      ErrorCode.FORBIDDEN,
    );
    expect((await appErrorOf(harness({ ...user, bannedAt: new Date() }, false).handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(
      ErrorCode.UNAUTHENTICATED,
    );
  });

  it('refuses, and starts no session, when a ban lands while the password is checked (read again under a lock)', async () => {
    const h = harness(user, true, new Date());
    expect((await appErrorOf(h.handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(ErrorCode.FORBIDDEN);
    expect(h.manager.query).toHaveBeenCalledWith(expect.stringMatching(/FOR SHARE/), [user.id]);
    expect(h.sessions.start).not.toHaveBeenCalled();
  });
});
