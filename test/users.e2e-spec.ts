import request from 'supertest';
import { bearer, expectError, freshUsername, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';

describe('users and blocks (e2e)', () => {
  let t: TestApp;
  let me: RegisteredUser;
  beforeAll(async () => {
    t = await startApp();
    me = await registerUser(t.url);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('/v1/users/me', () => {
    it('needs a valid bearer token', async () => {
      expectError(await request(t.url).get('/v1/users/me'), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me').set('Authorization', 'Bearer not.a.jwt'), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me').set('Authorization', me.accessToken), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).patch('/v1/users/me').send({ displayName: 'x' }), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users?q=ab'), 401, 'UNAUTHENTICATED');
    });

    it('updates displayName (trimmed) and timezone, answering the private user', async () => {
      const u = await registerUser(t.url);
      const res = await request(t.url)
        .patch('/v1/users/me')
        .set(...bearer(u.accessToken))
        .send({ displayName: '  Grace Hopper  ', timezone: 'America/New_York' })
        .expect(200);
      expect(res.body).toMatchObject({ id: u.id, displayName: 'Grace Hopper', timezone: 'America/New_York', email: u.email, role: 'user' });
      const again = await request(t.url).get('/v1/users/me').set(...bearer(u.accessToken)).expect(200);
      expect(again.body).toEqual(res.body);
    });

    it.each([
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ displayName: '' }, 'displayName'],
      [{ displayName: '   ' }, 'displayName'],
      [{ displayName: null }, 'displayName'],
      [{ displayName: 'x'.repeat(65) }, 'displayName'],
      [{ username: 'newname' }, 'username'],
      [{ email: 'new@example.test' }, 'email'],
      [{ role: 'admin' }, 'role'],
    ])('refuses %j naming %s and changes nothing', async (body, field) => {
      const before = await request(t.url).get('/v1/users/me').set(...bearer(me.accessToken)).expect(200);
      const res = await request(t.url).patch('/v1/users/me').set(...bearer(me.accessToken)).send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      const after = await request(t.url).get('/v1/users/me').set(...bearer(me.accessToken)).expect(200);
      expect(after.body).toEqual(before.body);
    });
  });

  describe('GET /v1/users/{id}', () => {
    it('answers the public user, never the email', async () => {
      const other = await registerUser(t.url, { displayName: 'Other Person' });
      const res = await request(t.url).get(`/v1/users/${other.id}`).set(...bearer(me.accessToken)).expect(200);
      expect(res.body).toEqual({ id: other.id, username: other.username, displayName: 'Other Person', createdAt: expect.any(String) });
    });

    it('404 for an unknown id, 400 for a non-UUID, 401 without a token', async () => {
      expectError(await request(t.url).get('/v1/users/0190c7c0-0000-7000-8000-000000000000').set(...bearer(me.accessToken)), 404, 'NOT_FOUND');
      const bad = await request(t.url).get('/v1/users/123').set(...bearer(me.accessToken));
      expectError(bad, 400, 'VALIDATION_FAILED');
      expect(bad.body.error.details[0].field).toBe('id');
      expectError(await request(t.url).get(`/v1/users/${me.id}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /v1/users?q=', () => {
    it('finds by username prefix, pages with a cursor without gaps or repeats', async () => {
      const prefix = freshUsername('pfx').slice(0, 14);
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await registerUser(t.url, { username: `${prefix}_${i}` })).username);
      await registerUser(t.url, { username: `${prefix}x_other` }); // "_" must not act as a wildcard
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(t.url)
          .get('/v1/users')
          .query({ q: `${prefix.toUpperCase()}_`, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...bearer(me.accessToken))
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        for (const item of res.body.items) expect(item).not.toHaveProperty('email');
        seen.push(...res.body.items.map((u: { username: string }) => u.username));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...created].sort());
    });

    it('validates q, limit and cursor', async () => {
      const auth = bearer(me.accessToken);
      expectError(await request(t.url).get('/v1/users').set(...auth), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users?q=a%20b').set(...auth), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users?q=ab&limit=0').set(...auth), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users?q=ab&limit=101').set(...auth), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users?q=ab&limit=ten').set(...auth), 400, 'VALIDATION_FAILED');
      const badCursor = await request(t.url).get('/v1/users?q=ab&cursor=%%%').set(...auth);
      expect(badCursor.status).toBe(400);
      const res = await request(t.url).get('/v1/users?q=ab&cursor=bm90LWpzb24').set(...auth);
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.error.details[0].field).toBe('cursor');
      await request(t.url).get('/v1/users?q=ab&limit=100').set(...auth).expect(200);
    });
  });

  describe('blocks', () => {
    it('blocks idempotently, lists newest first with paging, and unblocks', async () => {
      const u = await registerUser(t.url);
      const targets = [await registerUser(t.url), await registerUser(t.url), await registerUser(t.url)];
      for (const target of targets) {
        await request(t.url).put(`/v1/users/me/blocks/${target.id}`).set(...bearer(u.accessToken)).expect(204);
      }
      await request(t.url).put(`/v1/users/me/blocks/${targets[0].id}`).set(...bearer(u.accessToken)).expect(204);

      const page1 = await request(t.url).get('/v1/users/me/blocks?limit=2').set(...bearer(u.accessToken)).expect(200);
      expect(page1.body.items).toHaveLength(2);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await request(t.url)
        .get(`/v1/users/me/blocks?limit=2&cursor=${page1.body.nextCursor}`)
        .set(...bearer(u.accessToken))
        .expect(200);
      expect(page2.body.nextCursor).toBeNull();
      const listed = [...page1.body.items, ...page2.body.items];
      expect(listed.map((b: { userId: string }) => b.userId)).toEqual([targets[2].id, targets[1].id, targets[0].id]);
      expect(listed[0]).toEqual({
        userId: targets[2].id,
        user: { id: targets[2].id, username: targets[2].username, displayName: targets[2].username, createdAt: expect.any(String) },
        createdAt: expect.any(String),
      });

      await request(t.url).delete(`/v1/users/me/blocks/${targets[1].id}`).set(...bearer(u.accessToken)).expect(204);
      await request(t.url).delete(`/v1/users/me/blocks/${targets[1].id}`).set(...bearer(u.accessToken)).expect(204);
      const after = await request(t.url).get('/v1/users/me/blocks').set(...bearer(u.accessToken)).expect(200);
      expect(after.body.items.map((b: { userId: string }) => b.userId)).toEqual([targets[2].id, targets[0].id]);

      // Blocks are the blocker's own: the blocked user's list is empty.
      const theirs = await request(t.url).get('/v1/users/me/blocks').set(...bearer(targets[2].accessToken)).expect(200);
      expect(theirs.body).toEqual({ items: [], nextCursor: null });
    });

    it('refuses blocking oneself (400), an unknown user (404), a non-UUID (400), and anonymous callers (401)', async () => {
      const u = await registerUser(t.url);
      const self = await request(t.url).put(`/v1/users/me/blocks/${u.id}`).set(...bearer(u.accessToken));
      expectError(self, 400, 'VALIDATION_FAILED');
      expect(self.body.error.details[0].field).toBe('userId');
      const ghost = '0190c7c0-0000-7000-8000-000000000001';
      expectError(await request(t.url).put(`/v1/users/me/blocks/${ghost}`).set(...bearer(u.accessToken)), 404, 'NOT_FOUND');
      expectError(await request(t.url).delete(`/v1/users/me/blocks/${ghost}`).set(...bearer(u.accessToken)), 404, 'NOT_FOUND');
      expectError(await request(t.url).put('/v1/users/me/blocks/xyz').set(...bearer(u.accessToken)), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).put(`/v1/users/me/blocks/${me.id}`), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).get('/v1/users/me/blocks'), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).delete(`/v1/users/me/blocks/${me.id}`), 401, 'UNAUTHENTICATED');
      expectError(await request(t.url).delete('/v1/users/me/blocks/xyz').set(...bearer(u.accessToken)), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users/me/blocks?limit=0').set(...bearer(u.accessToken)), 400, 'VALIDATION_FAILED');
      expectError(await request(t.url).get('/v1/users/me/blocks?cursor=bm9wZQ').set(...bearer(u.accessToken)), 400, 'VALIDATION_FAILED');
      const list = await request(t.url).get('/v1/users/me/blocks').set(...bearer(u.accessToken)).expect(200);
      expect(list.body.items).toEqual([]);
    });
  });
});
