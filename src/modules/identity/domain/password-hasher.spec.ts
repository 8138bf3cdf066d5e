import argon2 from 'argon2';
import { AppError, ErrorCode } from '../../../common/errors/app-error';
import { AppConfig } from '../../../config/config';
import { PasswordHasher } from './password-hasher';

const config = (concurrency = 2, queue = 32) =>
  ({ auth: { passwordHash: { memoryKib: 19456, iterations: 2, parallelism: 1, concurrency, queue } } }) as AppConfig;

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(config());
  beforeAll(() => hasher.onModuleInit());

  it('hashes with argon2id and the configured parameters, and verifies only the right password', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('correct horse battery');
    expect(await hasher.verify(hash, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(hash, 'wrong horse battery')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('asks for a rehash of a password stored with other parameters (the old 64 MiB, t=3, p=4 defaults)', async () => {
    const old = await argon2.hash('correct horse battery', { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    expect(await hasher.verify(old, 'correct horse battery')).toBe(true);
    expect(hasher.needsRehash(old)).toBe(true);
  });

  it('rejects a missing user (null hash), even with the dummy password it verifies against', async () => {
    expect(await hasher.verify(null, 'parley-dummy-password-for-timing')).toBe(false);
    expect(await hasher.verify(null, 'anything')).toBe(false);
  });

  it('treats a corrupt stored hash as a failed login, not an error', async () => {
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false);
  });

  it('runs at most PASSWORD_HASH_CONCURRENCY hashes at once, queues PASSWORD_HASH_QUEUE and refuses the rest with 503', async () => {
    const small = new PasswordHasher(config(1, 2));
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => small.hash('correct horse battery')));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o).reason as AppError);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(refused.map((e) => [e.code, e.retryAfterMs])).toEqual([
      [ErrorCode.UNAVAILABLE, 1000],
      [ErrorCode.UNAVAILABLE, 1000],
    ]);
    // The slots came back: a later hash runs.
    await expect(small.hash('correct horse battery')).resolves.toMatch(/^\$argon2id\$/);
  });
});
