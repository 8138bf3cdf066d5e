import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { bearer, expectError, expectHiddenLikeMissing, expectInvalid, expectInvalidPathId, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';

type Res = request.Response;

interface MemberBody {
  userId: string;
  role: 'owner' | 'admin' | 'member';
  lastReadSeq: number;
}


const roles = (body: { members: MemberBody[] }): Record<string, string> =>
  Object.fromEntries(body.members.map((m) => [m.userId, m.role]));

describe('conversations (e2e)', () => {
  let t: TestApp;
  let db: Client;
  let a: RegisteredUser;
  let b: RegisteredUser;
  let c: RegisteredUser;
  let d: RegisteredUser;
  let e: RegisteredUser;
  let outsider: RegisteredUser;

  const api = () => request(t.url);
  const auth = (u: RegisteredUser) => bearer(u.accessToken);

  async function createGroup(owner: RegisteredUser, members: RegisteredUser[], name = 'Group'): Promise<{ id: string; body: Res['body'] }> {
    const res = await api()
      .post('/v1/conversations')
      .set(...auth(owner))
      .send({ name, memberIds: members.map((m) => m.id) });
    expect(res.status).toBe(201);
    return { id: res.body.id, body: res.body };
  }

  async function send(u: RegisteredUser, conversationId: string, content: string): Promise<Res['body']> {
    const res = await api()
      .post(`/v1/conversations/${conversationId}/messages`)
      .set(...auth(u))
      .send({ content, clientMessageId: randomUUID() });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function addMembers(by: RegisteredUser, conversationId: string, users: RegisteredUser[]): Promise<Res['body']> {
    const res = await api()
      .post(`/v1/conversations/${conversationId}/members`)
      .set(...auth(by))
      .send({ userIds: users.map((u) => u.id) });
    expect(res.status).toBe(200);
    return res.body;
  }

  async function setRole(by: RegisteredUser, conversationId: string, user: RegisteredUser, role: string): Promise<Res> {
    return api()
      .patch(`/v1/conversations/${conversationId}/members/${user.id}`)
      .set(...auth(by))
      .send({ role });
  }

  async function block(blocker: RegisteredUser, blocked: RegisteredUser): Promise<void> {
    await api().put(`/v1/users/me/blocks/${blocked.id}`).set(...auth(blocker)).expect(204);
  }

  async function unblock(blocker: RegisteredUser, blocked: RegisteredUser): Promise<void> {
    await api().delete(`/v1/users/me/blocks/${blocked.id}`).set(...auth(blocker)).expect(204);
  }

  beforeAll(async () => {
    t = await startApp();
    db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
    [a, b, c, d, e, outsider] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => registerUser(t.url)));
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  describe('POST /v1/conversations/direct', () => {
    it('gets or creates: 201 first, then 200 with the same id from either side', async () => {
      const first = await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: b.id });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'direct',
        name: null,
        createdAt: expect.any(String),
        lastSeq: 0,
        lastMessageAt: null,
        lastMessage: null,
        unreadCount: 0,
        mutedUntil: null,
        members: expect.any(Array),
      });
      expect(first.body.members).toHaveLength(2);
      expect(first.body.members).toEqual(
        expect.arrayContaining([
          { userId: a.id, role: 'member', lastReadSeq: 0 },
          { userId: b.id, role: 'member', lastReadSeq: 0 },
        ]),
      );

      const again = await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: b.id });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const reverse = await api().post('/v1/conversations/direct').set(...auth(b)).send({ userId: a.id });
      expect(reverse.status).toBe(200);
      expect(reverse.body.id).toBe(first.body.id);

      const got = await api().get(`/v1/conversations/${first.body.id}`).set(...auth(b)).expect(200);
      expect(got.body.id).toBe(first.body.id);
    });

    it('refuses a conversation with yourself (400), an unknown user (404), bad input (400), and no token (401)', async () => {
      expectInvalid(await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: a.id }), 'userId');
      expectError(await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: randomUUID() }), 404, 'NOT_FOUND');
      expectInvalid(await api().post('/v1/conversations/direct').set(...auth(a)).send({}), 'userId');
      expectInvalid(await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: 'not-a-uuid' }), 'userId');
      expectInvalid(await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: b.id, extra: 1 }), 'extra');
      expectError(await api().post('/v1/conversations/direct').send({ userId: b.id }), 401, 'UNAUTHENTICATED');
    });

    it('refuses with 403 when either blocked the other, before and after the conversation exists', async () => {
      const [p, q] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      await block(p, q);
      expectError(await api().post('/v1/conversations/direct').set(...auth(p)).send({ userId: q.id }), 403, 'FORBIDDEN');
      expectError(await api().post('/v1/conversations/direct').set(...auth(q)).send({ userId: p.id }), 403, 'FORBIDDEN');
      await unblock(p, q);
      await block(q, p);
      expectError(await api().post('/v1/conversations/direct').set(...auth(p)).send({ userId: q.id }), 403, 'FORBIDDEN');
      expectError(await api().post('/v1/conversations/direct').set(...auth(q)).send({ userId: p.id }), 403, 'FORBIDDEN');
      await unblock(q, p);

      const created = await api().post('/v1/conversations/direct').set(...auth(p)).send({ userId: q.id }).expect(201);
      await block(q, p);
      expectError(await api().post('/v1/conversations/direct').set(...auth(p)).send({ userId: q.id }), 403, 'FORBIDDEN');
      await unblock(q, p);
      const again = await api().post('/v1/conversations/direct').set(...auth(q)).send({ userId: p.id }).expect(200);
      expect(again.body.id).toBe(created.body.id);
    });

    it('10 simultaneous creations from both sides end with exactly one conversation', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 === 0
            ? api().post('/v1/conversations/direct').set(...auth(c)).send({ userId: d.id })
            : api().post('/v1/conversations/direct').set(...auth(d)).send({ userId: c.id }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const [low, high] = [c.id, d.id].sort();
      const rows = await db.query(`SELECT id FROM conversations WHERE type = 'direct' AND direct_user_low = $1 AND direct_user_high = $2`, [low, high]);
      expect(rows.rows.map((r: { id: string }) => r.id)).toEqual([results[0].body.id]);
    });
  });

  describe('POST /v1/conversations (groups)', () => {
    it('creates a group with a trimmed name; the caller is owner, the others members', async () => {
      const res = await api()
        .post('/v1/conversations')
        .set(...auth(a))
        .send({ name: '  Launch team  ', memberIds: [b.id, c.id] });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ type: 'group', name: 'Launch team', lastSeq: 0, lastMessage: null, unreadCount: 0, mutedUntil: null });
      expect(res.body.members).toHaveLength(3);
      expect(roles(res.body)).toEqual({ [a.id]: 'owner', [b.id]: 'member', [c.id]: 'member' });

      const seen = await api().get(`/v1/conversations/${res.body.id}`).set(...auth(c)).expect(200);
      expect(seen.body).toMatchObject({ id: res.body.id, type: 'group', name: 'Launch team' });
      expect(roles(seen.body)).toEqual(roles(res.body));

      const hundred = 'n'.repeat(100);
      const long = await api()
        .post('/v1/conversations')
        .set(...auth(a))
        .send({ name: `   ${hundred}   `, memberIds: [b.id] })
        .expect(201);
      expect(long.body.name).toBe(hundred);
    });

    it.each([
      [{ name: '', memberIds: ['B'] }, 'name'],
      [{ name: '    ', memberIds: ['B'] }, 'name'],
      [{ name: 'x'.repeat(101), memberIds: ['B'] }, 'name'],
      [{ name: 42, memberIds: ['B'] }, 'name'],
      [{ memberIds: ['B'] }, 'name'],
      [{ name: 'ok' }, 'memberIds'],
      [{ name: 'ok', memberIds: [] }, 'memberIds'],
      [{ name: 'ok', memberIds: ['B', 'B'] }, 'memberIds'],
      [{ name: 'ok', memberIds: ['not-a-uuid'] }, 'memberIds'],
      [{ name: 'ok', memberIds: 'B' }, 'memberIds'],
      [{ name: 'ok', memberIds: ['B'], type: 'direct' }, 'type'],
    ])('refuses %s naming %s', async (template, field) => {
      const body = JSON.parse(JSON.stringify(template).replaceAll('"B"', JSON.stringify(b.id)));
      const before = await db.query(`SELECT count(*)::int AS n FROM conversation_members WHERE user_id = $1`, [a.id]);
      expectInvalid(await api().post('/v1/conversations').set(...auth(a)).send(body), field);
      const after = await db.query(`SELECT count(*)::int AS n FROM conversation_members WHERE user_id = $1`, [a.id]);
      expect(after.rows[0].n).toBe(before.rows[0].n);
    });

    it('refuses an unknown member (404), a blocked pair either way (403), and no token (401)', async () => {
      expectError(
        await api().post('/v1/conversations').set(...auth(a)).send({ name: 'ghosts', memberIds: [b.id, randomUUID()] }),
        404,
        'NOT_FOUND',
      );
      const [blocksA, blockedByA] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      await block(blocksA, a);
      await block(a, blockedByA);
      expectError(await api().post('/v1/conversations').set(...auth(a)).send({ name: 'x', memberIds: [b.id, blocksA.id] }), 403, 'FORBIDDEN');
      expectError(await api().post('/v1/conversations').set(...auth(a)).send({ name: 'x', memberIds: [blockedByA.id] }), 403, 'FORBIDDEN');
      expectError(await api().post('/v1/conversations').send({ name: 'x', memberIds: [b.id] }), 401, 'UNAUTHENTICATED');
    });

    it('caps the size at MAX_GROUP_MEMBERS counting the owner (400 beyond it), on create and on add', async () => {
      const small = await startApp({ MAX_GROUP_MEMBERS: '3' });
      try {
        const ok = await request(small.url)
          .post('/v1/conversations')
          .set(...auth(a))
          .send({ name: 'three', memberIds: [b.id, c.id] });
        expect(ok.status).toBe(201);
        expect(ok.body.members).toHaveLength(3);

        const tooMany = await request(small.url)
          .post('/v1/conversations')
          .set(...auth(a))
          .send({ name: 'four', memberIds: [b.id, c.id, d.id] });
        expectInvalid(tooMany, 'memberIds');

        const two = await request(small.url)
          .post('/v1/conversations')
          .set(...auth(a))
          .send({ name: 'two', memberIds: [b.id] })
          .expect(201);
        const addTwo = await request(small.url)
          .post(`/v1/conversations/${two.body.id}/members`)
          .set(...auth(a))
          .send({ userIds: [c.id, d.id] });
        expectError(addTwo, 400, 'VALIDATION_FAILED');
        const still = await request(small.url).get(`/v1/conversations/${two.body.id}`).set(...auth(a)).expect(200);
        expect(still.body.members).toHaveLength(2);
        const addOne = await request(small.url)
          .post(`/v1/conversations/${two.body.id}/members`)
          .set(...auth(a))
          .send({ userIds: [c.id] })
          .expect(200);
        expect(addOne.body.members).toHaveLength(3);
      } finally {
        await small.close();
      }
    });
  });

  describe('GET /v1/conversations/{id}', () => {
    it('answers members, hides the conversation from non-members exactly like a missing one, validates the id', async () => {
      const g = await createGroup(a, [b], 'visible');
      const got = await api().get(`/v1/conversations/${g.id}`).set(...auth(b)).expect(200);
      expect(got.body).toEqual({ ...g.body, members: expect.any(Array) });
      expect(roles(got.body)).toEqual({ [a.id]: 'owner', [b.id]: 'member' });

      expectHiddenLikeMissing(
        await api().get(`/v1/conversations/${g.id}`).set(...auth(outsider)),
        await api().get(`/v1/conversations/${randomUUID()}`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().get('/v1/conversations/not-a-uuid').set(...auth(a)), 'id', 'conversationId');
      expectError(await api().get(`/v1/conversations/${g.id}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('PATCH /v1/conversations/{id} (rename)', () => {
    it('lets the owner and admins rename (trimmed); a member gets 403, a non-member 404', async () => {
      const g = await createGroup(a, [b, c], 'before');
      const byOwner = await api().patch(`/v1/conversations/${g.id}`).set(...auth(a)).send({ name: '  after  ' }).expect(200);
      expect(byOwner.body).toMatchObject({ id: g.id, name: 'after' });

      expectError(await api().patch(`/v1/conversations/${g.id}`).set(...auth(c)).send({ name: 'by member' }), 403, 'FORBIDDEN');
      await setRole(a, g.id, b, 'admin').then((r) => expect(r.status).toBe(200));
      const byAdmin = await api().patch(`/v1/conversations/${g.id}`).set(...auth(b)).send({ name: 'by admin' }).expect(200);
      expect(byAdmin.body.name).toBe('by admin');

      expectHiddenLikeMissing(
        await api().patch(`/v1/conversations/${g.id}`).set(...auth(outsider)).send({ name: 'nope' }),
        await api().patch(`/v1/conversations/${randomUUID()}`).set(...auth(outsider)).send({ name: 'nope' }),
      );
      expectError(await api().patch(`/v1/conversations/${g.id}`).send({ name: 'anon' }), 401, 'UNAUTHENTICATED');
      const seen = await api().get(`/v1/conversations/${g.id}`).set(...auth(c)).expect(200);
      expect(seen.body.name).toBe('by admin');
    });

    it.each([[{ name: '' }], [{ name: '   ' }], [{ name: 'x'.repeat(101) }], [{}], [{ name: null }]])('refuses %s naming name', async (body) => {
      const g = await createGroup(a, [b], 'keep');
      expectInvalid(await api().patch(`/v1/conversations/${g.id}`).set(...auth(a)).send(body), 'name');
      const seen = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(seen.body.name).toBe('keep');
    });

    it('refuses unknown fields', async () => {
      const g = await createGroup(a, [b], 'keep');
      expectInvalid(await api().patch(`/v1/conversations/${g.id}`).set(...auth(a)).send({ name: 'n', lastSeq: 5 }), 'lastSeq');
    });
  });

  describe('POST /v1/conversations/{id}/members', () => {
    it('adds new members and skips current ones; members get 403, non-members 404', async () => {
      const g = await createGroup(a, [b], 'adds');
      expectError(await api().post(`/v1/conversations/${g.id}/members`).set(...auth(b)).send({ userIds: [c.id] }), 403, 'FORBIDDEN');
      expectHiddenLikeMissing(
        await api().post(`/v1/conversations/${g.id}/members`).set(...auth(outsider)).send({ userIds: [c.id] }),
        await api().post(`/v1/conversations/${randomUUID()}/members`).set(...auth(outsider)).send({ userIds: [c.id] }),
      );

      const added = await addMembers(a, g.id, [b, c]);
      expect(added.id).toBe(g.id);
      expect(added.members).toHaveLength(3);
      expect(roles(added)).toEqual({ [a.id]: 'owner', [b.id]: 'member', [c.id]: 'member' });
      const again = await addMembers(a, g.id, [c]);
      expect(again.members).toHaveLength(3);

      await setRole(a, g.id, b, 'admin').then((r) => expect(r.status).toBe(200));
      const byAdmin = await addMembers(b, g.id, [d]);
      expect(roles(byAdmin)[d.id]).toBe('member');
      await api().get(`/v1/conversations/${g.id}`).set(...auth(d)).expect(200);

      expectError(await api().post(`/v1/conversations/${g.id}/members`).send({ userIds: [e.id] }), 401, 'UNAUTHENTICATED');
    });

    it.each([[{}], [{ userIds: [] }], [{ userIds: ['nope'] }], [{ userIds: 'X' }], [{ userIds: ['X', 'X'] }]])('refuses %j naming userIds', async (template) => {
      const g = await createGroup(a, [b], 'adds-invalid');
      const body = JSON.parse(JSON.stringify(template).replaceAll('"X"', JSON.stringify(c.id)));
      expectInvalid(await api().post(`/v1/conversations/${g.id}/members`).set(...auth(a)).send(body), 'userIds');
    });

    it('refuses an unknown user (404) and a blocked pair either way (403), adding no one', async () => {
      const g = await createGroup(a, [b], 'adds-refused');
      expectError(await api().post(`/v1/conversations/${g.id}/members`).set(...auth(a)).send({ userIds: [c.id, randomUUID()] }), 404, 'NOT_FOUND');
      const [blocksA, blockedByA] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      await block(blocksA, a);
      await block(a, blockedByA);
      expectError(await api().post(`/v1/conversations/${g.id}/members`).set(...auth(a)).send({ userIds: [blocksA.id] }), 403, 'FORBIDDEN');
      expectError(await api().post(`/v1/conversations/${g.id}/members`).set(...auth(a)).send({ userIds: [c.id, blockedByA.id] }), 403, 'FORBIDDEN');
      const seen = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(seen.body.members.map((m: MemberBody) => m.userId).sort()).toEqual([a.id, b.id].sort());
    });

    it('a new member sees history only from the join point, and unread counts start there', async () => {
      const g = await createGroup(a, [b], 'late join');
      const m1 = await send(a, g.id, 'before one');
      await send(b, g.id, 'before two');
      const joined = await addMembers(a, g.id, [d]);
      expect(joined.lastSeq).toBe(2);

      const empty = await api().get(`/v1/conversations/${g.id}/messages`).set(...auth(d)).expect(200);
      expect(empty.body).toEqual({ items: [], hasMore: false });
      const caughtUp = await api().get(`/v1/conversations/${g.id}/messages?afterSeq=0`).set(...auth(d)).expect(200);
      expect(caughtUp.body).toEqual({ items: [], hasMore: false });
      expectError(await api().get(`/v1/messages/${m1.id}`).set(...auth(d)), 404, 'NOT_FOUND');
      const view = await api().get(`/v1/conversations/${g.id}`).set(...auth(d)).expect(200);
      expect(view.body).toMatchObject({ lastSeq: 2, unreadCount: 0, lastMessage: null });
      expect(view.body.members.find((m: MemberBody) => m.userId === d.id)).toEqual({ userId: d.id, role: 'member', lastReadSeq: 2 });

      const m3 = await send(b, g.id, 'after join');
      const history = await api().get(`/v1/conversations/${g.id}/messages`).set(...auth(d)).expect(200);
      expect(history.body.items.map((m: { id: string; seq: number }) => [m.id, m.seq])).toEqual([[m3.id, 3]]);
      expect(history.body.hasMore).toBe(false);
      const listed = await api().get('/v1/conversations').set(...auth(d)).expect(200);
      const item = listed.body.items.find((x: { id: string }) => x.id === g.id);
      expect(item).toMatchObject({ unreadCount: 1, lastSeq: 3, lastMessage: { id: m3.id, seq: 3 } });
      // The earlier members' counts are untouched by the join.
      const forA = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(forA.body.unreadCount).toBe(2);
    });
  });

  describe('DELETE /v1/conversations/{id}/members/{userId}', () => {
    it('owner removes a member (who then gets 404); a member cannot remove others (403); anyone can leave', async () => {
      const g = await createGroup(a, [b, c, d], 'removals');
      expectError(await api().delete(`/v1/conversations/${g.id}/members/${c.id}`).set(...auth(b)), 403, 'FORBIDDEN');

      await api().delete(`/v1/conversations/${g.id}/members/${c.id}`).set(...auth(a)).expect(204);
      expectError(await api().get(`/v1/conversations/${g.id}`).set(...auth(c)), 404, 'NOT_FOUND');
      expectError(
        await api().post(`/v1/conversations/${g.id}/messages`).set(...auth(c)).send({ content: 'hi', clientMessageId: randomUUID() }),
        404,
        'NOT_FOUND',
      );
      const listed = await api().get('/v1/conversations?limit=100').set(...auth(c)).expect(200);
      expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(g.id);

      await api().delete(`/v1/conversations/${g.id}/members/${b.id}`).set(...auth(b)).expect(204);
      expectError(await api().get(`/v1/conversations/${g.id}`).set(...auth(b)), 404, 'NOT_FOUND');
      const left = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(roles(left.body)).toEqual({ [a.id]: 'owner', [d.id]: 'member' });

      // Removing someone who is not (or no longer) a member, and callers who are not members.
      expectError(await api().delete(`/v1/conversations/${g.id}/members/${b.id}`).set(...auth(a)), 404, 'NOT_FOUND');
      expectHiddenLikeMissing(
        await api().delete(`/v1/conversations/${g.id}/members/${d.id}`).set(...auth(outsider)),
        await api().delete(`/v1/conversations/${randomUUID()}/members/${d.id}`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().delete(`/v1/conversations/${g.id}/members/not-a-uuid`).set(...auth(a)), 'userId');
      expectError(await api().delete(`/v1/conversations/${g.id}/members/${d.id}`), 401, 'UNAUTHENTICATED');
      const still = await api().get(`/v1/conversations/${g.id}`).set(...auth(d)).expect(200);
      expect(still.body.members).toHaveLength(2);
    });

    it('the last owner leaving promotes the oldest admin (by join time)', async () => {
      const [older, newer] = [c, d].sort((x, y) => (x.id < y.id ? 1 : -1)); // older joins first but has the larger id
      const g = await createGroup(a, [b], 'handover to admin');
      await addMembers(a, g.id, [older]);
      await addMembers(a, g.id, [newer]);
      // Promote the newer one first, so neither promotion order nor id order points at the right answer.
      expect((await setRole(a, g.id, newer, 'admin')).status).toBe(200);
      expect((await setRole(a, g.id, older, 'admin')).status).toBe(200);

      await api().delete(`/v1/conversations/${g.id}/members/${a.id}`).set(...auth(a)).expect(204);
      const after = await api().get(`/v1/conversations/${g.id}`).set(...auth(b)).expect(200);
      expect(roles(after.body)).toEqual({ [b.id]: 'member', [older.id]: 'owner', [newer.id]: 'admin' });
    });

    it('the last owner leaving with no admin promotes the oldest member (by join time)', async () => {
      const [older, newer] = [c, d].sort((x, y) => (x.id < y.id ? 1 : -1));
      const g = await createGroup(a, [older], 'handover to member');
      await addMembers(a, g.id, [newer]);
      await api().delete(`/v1/conversations/${g.id}/members/${a.id}`).set(...auth(a)).expect(204);
      const after = await api().get(`/v1/conversations/${g.id}`).set(...auth(newer)).expect(200);
      expect(roles(after.body)).toEqual({ [older.id]: 'owner', [newer.id]: 'member' });
      // The new owner can now manage the group.
      await addMembers(older, g.id, [e]);
    });

    it('the last member leaving deletes the group', async () => {
      const g = await createGroup(a, [b], 'ephemeral');
      await send(b, g.id, 'bye');
      await api().delete(`/v1/conversations/${g.id}/members/${b.id}`).set(...auth(b)).expect(204);
      await api().delete(`/v1/conversations/${g.id}/members/${a.id}`).set(...auth(a)).expect(204);
      expectError(await api().get(`/v1/conversations/${g.id}`).set(...auth(a)), 404, 'NOT_FOUND');
      const rows = await db.query(`SELECT count(*)::int AS n FROM conversations WHERE id = $1`, [g.id]);
      expect(rows.rows[0].n).toBe(0);
    });
  });

  describe('PATCH /v1/conversations/{id}/members/{userId} (role)', () => {
    it('only an owner changes roles; the last owner cannot be demoted (409)', async () => {
      const g = await createGroup(a, [b, c], 'roles');
      const promoted = await setRole(a, g.id, b, 'admin');
      expect(promoted.status).toBe(200);
      expect(promoted.body.id).toBe(g.id);
      expect(roles(promoted.body)).toEqual({ [a.id]: 'owner', [b.id]: 'admin', [c.id]: 'member' });

      expectError(await setRole(b, g.id, c, 'admin'), 403, 'FORBIDDEN');
      expectError(await setRole(c, g.id, c, 'owner'), 403, 'FORBIDDEN');
      expectError(await setRole(a, g.id, a, 'member'), 409, 'CONFLICT');
      expectError(await setRole(a, g.id, a, 'admin'), 409, 'CONFLICT');
      const unchanged = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(roles(unchanged.body)).toEqual({ [a.id]: 'owner', [b.id]: 'admin', [c.id]: 'member' });

      // With a second owner, the first may step down; then the second is the last one.
      expect((await setRole(a, g.id, b, 'owner')).status).toBe(200);
      const stepped = await setRole(a, g.id, a, 'member');
      expect(stepped.status).toBe(200);
      expect(roles(stepped.body)).toEqual({ [a.id]: 'member', [b.id]: 'owner', [c.id]: 'member' });
      expectError(await setRole(b, g.id, b, 'admin'), 409, 'CONFLICT');
      expectError(await setRole(a, g.id, c, 'admin'), 403, 'FORBIDDEN');
    });

    it('validates role and ids, hides the group from non-members, refuses anonymous callers', async () => {
      const g = await createGroup(a, [b], 'roles-invalid');
      expectInvalid(await setRole(a, g.id, b, 'king'), 'role');
      expectInvalid(await api().patch(`/v1/conversations/${g.id}/members/${b.id}`).set(...auth(a)).send({}), 'role');
      expectInvalid(await api().patch(`/v1/conversations/${g.id}/members/${b.id}`).set(...auth(a)).send({ role: 'admin', x: 1 }), 'x');
      expectInvalidPathId(await api().patch(`/v1/conversations/${g.id}/members/nope`).set(...auth(a)).send({ role: 'admin' }), 'userId');
      expectError(await setRole(a, g.id, c, 'admin'), 404, 'NOT_FOUND');
      expectHiddenLikeMissing(
        await setRole(outsider, g.id, b, 'admin'),
        await api().patch(`/v1/conversations/${randomUUID()}/members/${b.id}`).set(...auth(outsider)).send({ role: 'admin' }),
      );
      expectError(await api().patch(`/v1/conversations/${g.id}/members/${b.id}`).send({ role: 'admin' }), 401, 'UNAUTHENTICATED');
      const seen = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(roles(seen.body)).toEqual({ [a.id]: 'owner', [b.id]: 'member' });
    });
  });

  describe('PUT /v1/conversations/{id}/mute', () => {
    it('mutes until a time and unmutes with null, for the caller only', async () => {
      const g = await createGroup(a, [b], 'mute');
      const until = new Date(Date.now() + 3600_000).toISOString();
      const muted = await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({ until }).expect(200);
      expect(muted.body).toMatchObject({ id: g.id, mutedUntil: until });
      const seenByB = await api().get(`/v1/conversations/${g.id}`).set(...auth(b)).expect(200);
      expect(seenByB.body.mutedUntil).toBe(until);
      const seenByA = await api().get(`/v1/conversations/${g.id}`).set(...auth(a)).expect(200);
      expect(seenByA.body.mutedUntil).toBeNull();

      const unmuted = await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({ until: null }).expect(200);
      expect(unmuted.body.mutedUntil).toBeNull();
      const listed = await api().get('/v1/conversations?limit=100').set(...auth(b)).expect(200);
      expect(listed.body.items.find((x: { id: string }) => x.id === g.id).mutedUntil).toBeNull();
    });

    it('validates until, hides the conversation from non-members, refuses anonymous callers', async () => {
      const g = await createGroup(a, [b], 'mute-invalid');
      expectInvalid(await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({}), 'until');
      expectInvalid(await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({ until: 'tomorrow' }), 'until');
      expectInvalid(await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({ until: 12 }), 'until');
      expectInvalid(await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(b)).send({ until: null, forever: true }), 'forever');
      const until = new Date(Date.now() + 60_000).toISOString();
      expectHiddenLikeMissing(
        await api().put(`/v1/conversations/${g.id}/mute`).set(...auth(outsider)).send({ until }),
        await api().put(`/v1/conversations/${randomUUID()}/mute`).set(...auth(outsider)).send({ until }),
      );
      expectError(await api().put(`/v1/conversations/${g.id}/mute`).send({ until }), 401, 'UNAUTHENTICATED');
      const seen = await api().get(`/v1/conversations/${g.id}`).set(...auth(b)).expect(200);
      expect(seen.body.mutedUntil).toBeNull();
    });
  });

  describe('GET /v1/conversations', () => {
    it('lists newest activity first, keyset-paged without duplicates or gaps, with lastMessage and unreadCount', async () => {
      const [lister, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const empty = await api().get('/v1/conversations').set(...auth(lister)).expect(200);
      expect(empty.body).toEqual({ items: [], nextCursor: null });

      const g1 = await createGroup(lister, [other], 'g1');
      const g2 = await createGroup(lister, [other], 'g2');
      const g3 = await createGroup(lister, [other], 'g3');
      const g4 = await createGroup(lister, [other], 'g4');
      const direct = await api().post('/v1/conversations/direct').set(...auth(other)).send({ userId: lister.id }).expect(201);
      const fromOther = await send(other, g2.id, 'news in g2');
      const own = await send(lister, g3.id, 'my own in g3');
      const expected = [g3.id, g2.id, direct.body.id, g4.id, g1.id];

      const all = await api().get('/v1/conversations').set(...auth(lister)).expect(200);
      expect(all.body.nextCursor).toBeNull();
      expect(all.body.items.map((x: { id: string }) => x.id)).toEqual(expected);
      const byId = new Map(all.body.items.map((x: { id: string }) => [x.id, x]));
      expect(byId.get(g2.id)).toMatchObject({ unreadCount: 1, lastSeq: 1, lastMessage: { id: fromOther.id, content: 'news in g2', seq: 1 } });
      expect(byId.get(g3.id)).toMatchObject({ unreadCount: 0, lastSeq: 1, lastMessage: { id: own.id, content: 'my own in g3' } });
      expect(byId.get(g1.id)).toMatchObject({ unreadCount: 0, lastSeq: 0, lastMessage: null, lastMessageAt: null });
      expect(byId.get(direct.body.id)).toMatchObject({ type: 'direct', unreadCount: 0, lastMessage: null });
      for (const item of all.body.items) {
        expect(item).toEqual(
          expect.objectContaining({ id: expect.any(String), type: expect.any(String), unreadCount: expect.any(Number), members: expect.any(Array) }),
        );
        expect(item).toHaveProperty('lastMessage');
      }

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: Res = await api()
          .get('/v1/conversations')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...auth(lister))
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((x: { id: string }) => x.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected);

      // New activity while paging moves a conversation to the front.
      await send(other, g1.id, 'wake up g1');
      const top = await api().get('/v1/conversations?limit=1').set(...auth(lister)).expect(200);
      expect(top.body.items.map((x: { id: string }) => x.id)).toEqual([g1.id]);
      expect(top.body.items[0].unreadCount).toBe(1);
      expect(top.body.nextCursor).toEqual(expect.any(String));
    });

    it('pages 50 by default', async () => {
      const [lister, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const ids: string[] = [];
      for (let i = 0; i < 51; i += 1) ids.push((await createGroup(lister, [other], `page ${i}`)).id);
      const first = await api().get('/v1/conversations').set(...auth(lister)).expect(200);
      expect(first.body.items).toHaveLength(50);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await api().get('/v1/conversations').query({ cursor: first.body.nextCursor }).set(...auth(lister)).expect(200);
      expect(second.body.nextCursor).toBeNull();
      expect([...first.body.items, ...second.body.items].map((x: { id: string }) => x.id)).toEqual([...ids].reverse());
    });

    it('validates limit and cursor, refuses anonymous callers', async () => {
      for (const limit of ['0', '101', 'ten', '-1', '1.5']) {
        expectInvalid(await api().get(`/v1/conversations?limit=${limit}`).set(...auth(a)), 'limit');
      }
      await api().get('/v1/conversations?limit=100').set(...auth(a)).expect(200);
      await api().get('/v1/conversations?limit=1').set(...auth(a)).expect(200);
      const badCursors = [
        'bm90LWpzb24', // base64url of "not-json"
        Buffer.from(JSON.stringify({ t: 'yesterday', id: 'x' })).toString('base64url'),
        Buffer.from(JSON.stringify({ foo: 1 })).toString('base64url'),
        '%%%',
      ];
      for (const cursor of badCursors) {
        const res = await api().get('/v1/conversations').query({ cursor }).set(...auth(a));
        expectInvalid(res, 'cursor');
      }
      expectError(await api().get('/v1/conversations'), 401, 'UNAUTHENTICATED');
    });
  });
});
