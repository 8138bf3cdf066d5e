import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, expectError, expectInvalid, expectInvalidPathId, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, connectError } from './support/socket';
import { uniqueName } from './support/test-env';

/** Moderation: banning a user ends every session and closes their sockets on every node. */
describe('admin: ban users (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let admin: RegisteredUser;
  let db: DataSource;
  const ghost = '0190c7c0-0000-7000-8000-00000000dead';

  const login = (node: TestApp, user: RegisteredUser) => request(node.url).post('/v1/auth/login').send({ login: user.username, password: user.password });

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('admin')}:` };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    db = a.app.get(DataSource);
    admin = await registerUser(a.url);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('is for administrators only, and refuses bad targets without changing anything', async () => {
    const [user, target] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
    expectError(await request(a.url).put(`/v1/admin/users/${target.id}/ban`).set(...bearer(user.accessToken)).send({}), 403, 'FORBIDDEN');
    expectError(await request(a.url).delete(`/v1/admin/users/${target.id}/ban`).set(...bearer(user.accessToken)), 403, 'FORBIDDEN');
    expectError(await request(a.url).put(`/v1/admin/users/${target.id}/ban`).send({}), 401, 'UNAUTHENTICATED');
    expectError(await request(a.url).put(`/v1/admin/users/${ghost}/ban`).set(...bearer(admin.accessToken)).send({}), 404, 'NOT_FOUND');
    expectInvalidPathId(await request(a.url).put('/v1/admin/users/not-a-uuid/ban').set(...bearer(admin.accessToken)).send({}), 'userId');
    expectInvalid(await request(a.url).put(`/v1/admin/users/${target.id}/ban`).set(...bearer(admin.accessToken)).send({ reason: 'x'.repeat(501) }), 'reason');
    expectInvalid(await request(a.url).put(`/v1/admin/users/${target.id}/ban`).set(...bearer(admin.accessToken)).send({ until: 'never' }), 'until');
    expectInvalid(await request(a.url).put(`/v1/admin/users/${admin.id}/ban`).set(...bearer(admin.accessToken)).send({}), 'userId');
    const otherAdmin = await registerUser(a.url);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [otherAdmin.id]);
    expectError(await request(a.url).put(`/v1/admin/users/${otherAdmin.id}/ban`).set(...bearer(admin.accessToken)).send({}), 403, 'FORBIDDEN');
    // The role is read from the database: a token minted before a promotion still works, one after a demotion does not.
    await db.query(`UPDATE users SET role = 'user' WHERE id = $1`, [otherAdmin.id]);
    expectError(await request(a.url).put(`/v1/admin/users/${target.id}/ban`).set(...bearer(otherAdmin.accessToken)).send({}), 403, 'FORBIDDEN');

    const banned: { n: string }[] = await db.query(`SELECT count(*) AS n FROM users WHERE banned_at IS NOT NULL AND id = ANY($1)`, [[user.id, target.id, otherAdmin.id]]);
    expect(Number(banned[0].n)).toBe(0);
    expect((await login(a, target)).status).toBe(200);
  });

  it('ends every session, closes every socket on every node and refuses the user until unbanned', async () => {
    const victim = await registerUser(a.url);
    const second = (await login(b, victim).expect(200)).body as { accessToken: string; refreshToken: string };
    const [onA, onB] = await Promise.all([connect(a.url, { token: victim.accessToken }), connect(b.url, { token: second.accessToken })]);
    const closed = [onA, onB].map((s) => new Promise<string>((resolve) => s.once('disconnect', resolve)));

    const res = await request(a.url)
      .put(`/v1/admin/users/${victim.id}/ban`)
      .set(...bearer(admin.accessToken))
      .send({ reason: '  spam  ' })
      .expect(200);
    expect(res.body).toEqual({ userId: victim.id, bannedAt: expect.any(String), reason: 'spam' });
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);

    // Neither session's tokens work any more, on either node or transport.
    for (const [node, token] of [[a, victim.accessToken], [b, second.accessToken]] as const) {
      expectError(await request(node.url).get('/v1/users/me').set(...bearer(token)), 401, 'UNAUTHENTICATED');
      expect((await connectError(node.url, { token })).message).toBe('UNAUTHENTICATED');
    }
    expectError(await request(b.url).post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }), 401, 'UNAUTHENTICATED');
    expectError(await login(b, victim), 403, 'FORBIDDEN');
    // Banned users drop out of user search.
    const found = await request(a.url).get('/v1/users').query({ q: victim.username }).set(...bearer(admin.accessToken)).expect(200);
    expect(found.body.items).toEqual([]);

    const again = await request(b.url).put(`/v1/admin/users/${victim.id}/ban`).set(...bearer(admin.accessToken)).send({}).expect(200);
    expect(again.body).toEqual(res.body);

    const audit: { action: string; actor_id: string; details: { reason: string | null } }[] = await db.query(
      `SELECT action, actor_id, details FROM audit_log WHERE target_type = 'user' AND target_id = $1 ORDER BY created_at`,
      [victim.id],
    );
    expect(audit.map((r) => [r.action, r.actor_id, r.details.reason])).toEqual([['user.ban', admin.id, 'spam']]);

    await request(a.url).delete(`/v1/admin/users/${victim.id}/ban`).set(...bearer(admin.accessToken)).expect(204);
    await request(a.url).delete(`/v1/admin/users/${victim.id}/ban`).set(...bearer(admin.accessToken)).expect(204);
    const back = (await login(a, victim).expect(200)).body as { accessToken: string };
    (await connect(b.url, { token: back.accessToken })).close();
    // Sessions ended by the ban stay ended.
    expectError(await request(a.url).get('/v1/users/me').set(...bearer(victim.accessToken)), 401, 'UNAUTHENTICATED');
  });
});
