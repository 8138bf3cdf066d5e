import { newRefreshToken, parseRefreshToken, secretMatches } from './refresh-token';

describe('refresh tokens', () => {
  it('round-trips: the parsed secret matches the stored hash', () => {
    const t = newRefreshToken();
    const parsed = parseRefreshToken(t.token);
    expect(parsed?.id).toBe(t.id);
    expect(secretMatches(parsed!.secret, t.hash)).toBe(true);
  });

  it('does not store the secret and rejects a different secret', () => {
    const a = newRefreshToken();
    const b = newRefreshToken();
    expect(a.hash.toString('hex')).not.toContain(a.token.split('.')[1]);
    expect(secretMatches(parseRefreshToken(b.token)!.secret, a.hash)).toBe(false);
  });

  it('refuses malformed tokens', () => {
    for (const bad of ['', 'abc', 'not-a-uuid.secret', `${newRefreshToken().id}.short`, `${newRefreshToken().token}x`]) {
      expect(parseRefreshToken(bad)).toBeNull();
    }
  });
});
