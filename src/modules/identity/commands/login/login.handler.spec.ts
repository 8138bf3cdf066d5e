import { AppError, ErrorCode } from '../../../../common/errors/app-error';
import { appErrorOf } from '../../../../common/errors/app-error.testing';
import { Db, Tx } from '../../../../database/db';
import { LoginThrottle } from '../../domain/login-throttle';
import { PasswordHasher } from '../../domain/password-hasher';
import { SessionIssuer } from '../../domain/session-issuer';
import { UserRecord, UsersRepository } from '../../repositories/users.repository';
import { LoginCommand } from './login.command';
import { LoginHandler } from './login.handler';

const user: UserRecord & { passwordHash: string } = {
  id: '0190c7c0-0000-7000-8000-0000000000aa',
  username: 'ada',
  email: 'Ada@Example.test',
  displayName: 'Ada',
  timezone: 'UTC',
  role: 'user',
  groupInvites: 'everyone',
  bannedAt: null,
  createdAt: new Date(),
  passwordHash: '$argon2id$stored',
};

function harness(found: (UserRecord & { passwordHash: string }) | undefined, passwordOk: boolean, bannedAtUnderLock: Date | null = found?.bannedAt ?? null) {
  const tx = {} as Tx;
  const db = { transaction: (work: (t: Tx) => Promise<unknown>) => work(tx) } as unknown as Db;
  const users = {
    findByLogin: jest.fn().mockResolvedValue(found),
    bannedAtForSignIn: jest.fn().mockResolvedValue(bannedAtUnderLock),
    replacePasswordHash: jest.fn().mockResolvedValue(undefined),
  } as unknown as UsersRepository & { findByLogin: jest.Mock; bannedAtForSignIn: jest.Mock; replacePasswordHash: jest.Mock };
  const hasher = {
    verify: jest.fn().mockResolvedValue(passwordOk),
    needsRehash: jest.fn().mockReturnValue(false),
    hash: jest.fn().mockResolvedValue('$argon2id$new'),
  } as unknown as PasswordHasher & { verify: jest.Mock; needsRehash: jest.Mock; hash: jest.Mock };
  const sessions = { start: jest.fn().mockResolvedValue({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }) } as unknown as SessionIssuer & { start: jest.Mock };
  const throttle = {
    beforeAttempt: jest.fn().mockResolvedValue(undefined),
    succeeded: jest.fn().mockResolvedValue(undefined),
  } as unknown as LoginThrottle & { succeeded: jest.Mock; beforeAttempt: jest.Mock };
  return { handler: new LoginHandler(db, users, hasher, sessions, throttle), users, hasher, sessions, throttle, tx };
}

describe('LoginHandler', () => {
  it('answers the private user and a token pair, without the password hash', async () => {
    const h = harness(user, true);
    const result = await h.handler.execute(LoginCommand.create({ login: 'ADA@example.TEST', password: 'pw' }));
    expect(h.users.findByLogin).toHaveBeenCalledWith('ada@example.test');
    expect(result.user).toMatchObject({ id: user.id, username: 'ada', role: 'user' });
    expect(JSON.stringify(result)).not.toContain('argon2');
    expect(h.sessions.start).toHaveBeenCalledWith(h.tx, user.id, undefined);
  });

  it('verifies an unknown user against the dummy hash (same work) and answers the same 401 as a wrong password', async () => {
    const unknown = harness(undefined, false);
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
    expect(h.users.replacePasswordHash).toHaveBeenCalledWith(user.id, '$argon2id$stored', '$argon2id$new', h.tx);
  });

  it('refuses a banned account only after the password checked out', async () => {
    expect((await appErrorOf(harness({ ...user, bannedAt: new Date() }, true).handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(ErrorCode.FORBIDDEN);
    expect((await appErrorOf(harness({ ...user, bannedAt: new Date() }, false).handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(
      ErrorCode.UNAUTHENTICATED,
    );
  });

  it('refuses, and starts no session, when a ban lands while the password is checked (read again under a lock)', async () => {
    const h = harness(user, true, new Date());
    expect((await appErrorOf(h.handler.execute(LoginCommand.create({ login: 'ada', password: 'pw' })))).code).toBe(ErrorCode.FORBIDDEN);
    expect(h.users.bannedAtForSignIn).toHaveBeenCalledWith(user.id, h.tx);
    expect(h.sessions.start).not.toHaveBeenCalled();
  });
});
