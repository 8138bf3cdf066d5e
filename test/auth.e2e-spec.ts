import { DataSource } from 'typeorm';
import request from 'supertest';
import { bearer, expectError, freshUsername, registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';

describe('auth (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('POST /v1/auth/register', () => {
    it('creates a user with defaults and returns tokens', async () => {
      const name = freshUsername('Reg_');
      const res = await request(t.url)
        .post('/v1/auth/register')
        .send({ username: name.toUpperCase(), email: `${name}@Example.test`, password: 'password123' })
        .expect(201);
      expect(res.body.user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: name.toLowerCase(),
        displayName: name.toLowerCase(),
        email: `${name}@Example.test`,
        timezone: 'UTC',
        role: 'user',
        groupInvites: 'everyone',
        createdAt: expect.any(String),
      });
      expect(res.body.expiresIn).toBe(900);
      expect(typeof res.body.accessToken).toBe('string');
      expect(typeof res.body.refreshToken).toBe('string');
      expect(res.body.user).not.toHaveProperty('passwordHash');

      const me = await request(t.url).get('/v1/users/me').set(...bearer(res.body.accessToken)).expect(200);
      expect(me.body.id).toBe(res.body.user.id);
    });

    it('refuses a taken username or email, case-insensitively, with 409', async () => {
      const u = await registerUser(t.url);
      expectError(
        await request(t.url).post('/v1/auth/register').send({ username: u.username.toUpperCase(), email: `other_${u.email}`, password: 'password123' }),
        409,
        'CONFLICT',
      );
      const res = await request(t.url)
        .post('/v1/auth/register')
        .send({ username: freshUsername(), email: u.email.toUpperCase(), password: 'password123' });
      expectError(res, 409, 'CONFLICT');
      expect(res.body.error.message).toMatch(/email/);
    });

    it('gives exactly one 201 and one 409 for two simultaneous registrations of one username', async () => {
      const username = freshUsername('race');
      const results = await Promise.all(
        [1, 2].map((i) =>
          request(t.url).post('/v1/auth/register').send({ username, email: `${username}${i}@example.test`, password: 'password123' }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it.each([
      [{ username: 'ab', email: 'a@b.test', password: 'password123' }, 'username'],
      [{ username: 'bad name', email: 'a@b.test', password: 'password123' }, 'username'],
      [{ username: freshUsername(), email: 'nope', password: 'password123' }, 'email'],
      [{ username: freshUsername(), email: 'a@b.test', password: 'short' }, 'password'],
      [{ username: freshUsername(), email: 'a@b.test', password: 12345678 }, 'password'],
      [{ username: freshUsername(), email: 'a@b.test', password: 'password123', role: 'admin' }, 'role'],
      [{ username: freshUsername(), email: 'a@b.test', password: 'password123', displayName: 'x'.repeat(65) }, 'displayName'],
    ])('refuses %j naming %s, and stores nothing', async (body, field) => {
      const res = await request(t.url).post('/v1/auth/register').send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      // Had the user been stored, logging in with exactly what was sent would work.
      const login = await request(t.url).post('/v1/auth/login').send({ login: String(body.username), password: String(body.password) });
      expect(login.status).toBe(401);
    });

    it('refuses malformed JSON, a non-JSON body and a JSON array with 400, never 500', async () => {
      const id = 'client-req.42:x';
      const malformed = await request(t.url)
        .post('/v1/auth/register')
        .set('Content-Type', 'application/json')
        .set('X-Request-Id', id)
        .send('{"username": "abc",');
      expectError(malformed, 400, 'VALIDATION_FAILED');
      expect(malformed.body.error.requestId).toBe(id);
      expect(malformed.body.error.details).toEqual([{ field: 'body', message: 'malformed JSON' }]);

      const text = await request(t.url).post('/v1/auth/register').set('Content-Type', 'text/plain').send('username=abc');
      expectError(text, 400, 'VALIDATION_FAILED');

      const array = await request(t.url).post('/v1/auth/register').send([1, 2]);
      expectError(array, 400, 'VALIDATION_FAILED');
    });
  });

  describe('POST /v1/auth/login', () => {
    it('logs in by username or email, case-insensitively', async () => {
      const u = await registerUser(t.url);
      for (const login of [u.username, u.username.toUpperCase(), u.email, u.email.toUpperCase()]) {
        const res = await request(t.url).post('/v1/auth/login').send({ login, password: u.password }).expect(200);
        expect(res.body.user.id).toBe(u.id);
        expect(res.body.user.email).toBe(u.email);
        expect(res.body.refreshToken).not.toBe(u.refreshToken);
      }
    });

    it('answers the same 401 for a wrong password and an unknown user', async () => {
      const u = await registerUser(t.url);
      const wrong = await request(t.url).post('/v1/auth/login').send({ login: u.username, password: 'not the password' });
      const unknown = await request(t.url).post('/v1/auth/login').send({ login: freshUsername('ghost'), password: 'not the password' });
      expectError(wrong, 401, 'UNAUTHENTICATED');
      expectError(unknown, 401, 'UNAUTHENTICATED');
      expect(wrong.body.error.message).toBe(unknown.body.error.message);
    });

    it('validates its body', async () => {
      expectError(await request(t.url).post('/v1/auth/login').send({ login: 'x' }), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).post('/v1/auth/login').send({ login: 'x', password: 'y', extra: 1 }), 400, 'VALIDATION_FAILED');
    });
  });

  describe('refresh tokens', () => {
    it('rotates on every use; the old token no longer works', async () => {
      const u = await registerUser(t.url);
      const first = await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
      expect(Object.keys(first.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshToken']);
      expect(first.body.refreshToken).not.toBe(u.refreshToken);
      await request(t.url).get('/v1/users/me').set(...bearer(first.body.accessToken)).expect(200);
      const second = await request(t.url).post('/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
      expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    });

    it('revokes the whole family when a used token is presented again after the grace, and only that family', async () => {
      const u = await registerUser(t.url);
      const otherDevice = await request(t.url).post('/v1/auth/login').send({ login: u.username, password: u.password }).expect(200);

      const rotated = await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
      // Its rotation lies further back than REFRESH_REUSE_GRACE_SECONDS (10 s).
      await t.app.get(DataSource).query(`UPDATE refresh_tokens SET used_at = now() - interval '11 seconds' WHERE id = $1`, [u.refreshToken.split('.')[0]]);
      // The original token is replayed (stolen): the family dies.
      expectError(await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).post('/v1/auth/refresh').send({ refreshToken: rotated.body.refreshToken }), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me').set(...bearer(rotated.body.accessToken)), 401, 'UNAUTHENTICATED');

      // The other session (another family) is untouched.
      await request(t.url).post('/v1/auth/refresh').send({ refreshToken: otherDevice.body.refreshToken }).expect(200);
    });

    it('gives a token rotated a moment ago (a second tab refreshing at once) a fresh pair of the same session', async () => {
      const u = await registerUser(t.url);
      const [first, second] = await Promise.all([
        request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }),
        request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body.refreshToken).not.toBe(second.body.refreshToken);
      // Both tabs go on: both new pairs work, in the one session.
      for (const pair of [first.body, second.body]) {
        await request(t.url).get('/v1/users/me').set(...bearer(pair.accessToken)).expect(200);
        await request(t.url).post('/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
      }
      const sessions = await t.app.get(DataSource).query(`SELECT count(*)::int AS n, count(revoked_at)::int AS revoked FROM sessions WHERE user_id = $1`, [u.id]);
      expect(sessions).toEqual([{ n: 1, revoked: 0 }]);
    });

    it('refuses garbage and tampered tokens with 401, a missing one with 400', async () => {
      const u = await registerUser(t.url);
      const [id, secret] = u.refreshToken.split('.');
      const tampered = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      for (const refreshToken of ['garbage', tampered, `00000000-0000-7000-8000-000000000000.${secret}`]) {
        expectError(await request(t.url).post('/v1/auth/refresh').send({ refreshToken }), 401, 'UNAUTHENTICATED');
      }
      expectError(await request(t.url).post('/v1/auth/refresh').send({}), 400, 'VALIDATION_FAILED');
      // The tampered attempt did not burn the real token.
      await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
    });
  });

  describe('POST /v1/auth/logout', () => {
    it('needs the bearer token', async () => {
      const u = await registerUser(t.url);
      expectError(await request(t.url).post('/v1/auth/logout').send({ refreshToken: u.refreshToken }), 401, 'UNAUTHENTICATED');
      await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }).expect(200);
    });

    it('ends only the session it names, including that session’s access token', async () => {
      const u = await registerUser(t.url);
      const other = await request(t.url).post('/v1/auth/login').send({ login: u.username, password: u.password }).expect(200);

      await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({ refreshToken: u.refreshToken }).expect(204);
      expectError(await request(t.url).post('/v1/auth/refresh').send({ refreshToken: u.refreshToken }), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me').set(...bearer(u.accessToken)), 401, 'UNAUTHENTICATED');

      await request(t.url).get('/v1/users/me').set(...bearer(other.body.accessToken)).expect(200);
      await request(t.url).post('/v1/auth/refresh').send({ refreshToken: other.body.refreshToken }).expect(200);
    });

    it('cannot end another user’s session', async () => {
      const victim = await registerUser(t.url);
      const attacker = await registerUser(t.url);
      await request(t.url).post('/v1/auth/logout').set(...bearer(attacker.accessToken)).send({ refreshToken: victim.refreshToken }).expect(204);
      await request(t.url).post('/v1/auth/refresh').send({ refreshToken: victim.refreshToken }).expect(200);
    });

    it('validates its body', async () => {
      const u = await registerUser(t.url);
      expectError(await request(t.url).post('/v1/auth/logout').set(...bearer(u.accessToken)).send({}), 400, 'VALIDATION_FAILED');
    });
  });
});
