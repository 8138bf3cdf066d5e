import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();
  beforeAll(() => hasher.onModuleInit());

  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(hash).not.toContain('correct horse battery');
    expect(await hasher.verify(hash, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(hash, 'wrong horse battery')).toBe(false);
  });

  it('rejects a missing user (null hash), even with the dummy password it verifies against', async () => {
    expect(await hasher.verify(null, 'parley-dummy-password-for-timing')).toBe(false);
    expect(await hasher.verify(null, 'anything')).toBe(false);
  });

  it('treats a corrupt stored hash as a failed login, not an error', async () => {
    expect(await hasher.verify('not-a-hash', 'whatever')).toBe(false);
  });
});
