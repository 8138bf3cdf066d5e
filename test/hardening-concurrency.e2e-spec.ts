import { Client } from 'pg';
import request from 'supertest';
import { startApp, TestApp } from './support/app';
import { bearer, expectError, registerUser, RegisteredUser } from './support/factories';
import { uniqueName } from './support/test-env';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('hardening: concurrent writes (e2e)', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await startApp({ MESSAGE_MAX_EDITS: '3', MESSAGE_MAX_REACTIONS_PER_USER: '2' });
    db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  async function group(owner: RegisteredUser, others: RegisteredUser[], name = 'Team'): Promise<string> {
    const res = await request(t.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name, memberIds: others.map((o) => o.id) }).expect(201);
    return res.body.id;
  }
  const setRole = (owner: RegisteredUser, conversationId: string, userId: string, role: string) =>
    request(t.url).patch(`/v1/conversations/${conversationId}/members/${userId}`).set(...bearer(owner.accessToken)).send({ role });

  /**
   * Runs `change` in a transaction of its own that holds the conversation's lock, starts the
   * request while it is held, then commits: the request read nothing before it got the lock.
   */
  async function whileLocked(conversationId: string, change: string, params: unknown[], start: () => Promise<request.Response>): Promise<request.Response> {
    await db.query('BEGIN');
    await db.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
    await db.query(change, params);
    const pending = start();
    // The request is now waiting on the lock (it cannot finish before the commit).
    await sleep(400);
    await db.query('COMMIT');
    return pending;
  }

  describe('lock, then read', () => {
    it('an admin removed while their rename waits is refused (404), and the name is unchanged', async () => {
      const [owner, admin] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const id = await group(owner, [admin], 'Before');
      await setRole(owner, id, admin.id, 'admin').expect(200);
      const res = await whileLocked(id, 'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2', [id, admin.id], () =>
        request(t.url).patch(`/v1/conversations/${id}`).set(...bearer(admin.accessToken)).send({ name: 'After' }).then((r) => r),
      );
      expectError(res, 404, 'NOT_FOUND');
      expect((await db.query('SELECT name FROM conversations WHERE id = $1', [id])).rows).toEqual([{ name: 'Before' }]);
    });

    it('an admin removed while their add waits adds nobody', async () => {
      const [owner, admin, newcomer] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
      const id = await group(owner, [admin]);
      await setRole(owner, id, admin.id, 'admin').expect(200);
      const res = await whileLocked(id, 'DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2', [id, admin.id], () =>
        request(t.url).post(`/v1/conversations/${id}/members`).set(...bearer(admin.accessToken)).send({ userIds: [newcomer.id] }).then((r) => r),
      );
      expectError(res, 404, 'NOT_FOUND');
      const members = (await db.query('SELECT user_id FROM conversation_members WHERE conversation_id = $1', [id])).rows.map((r: { user_id: string }) => r.user_id);
      expect(members).toEqual([owner.id]);
    });

    it('a co-owner demoted while their role change waits is refused (403), and no one else became owner', async () => {
      const [a, b, c] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
      const id = await group(a, [b, c]);
      await setRole(a, id, b.id, 'owner').expect(200);
      // a demotes b while b promotes c.
      const res = await whileLocked(id, `UPDATE conversation_members SET role = 'member' WHERE conversation_id = $1 AND user_id = $2`, [id, b.id], () =>
        setRole(b, id, c.id, 'owner').then((r) => r),
      );
      expectError(res, 403, 'FORBIDDEN');
      const owners = (await db.query(`SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND role = 'owner'`, [id])).rows;
      expect(owners).toEqual([{ user_id: a.id }]);
    });
  });

  it('a role change racing the member leaving never deadlocks into a 500 (40 races)', async () => {
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 40; i += 1) {
      const [owner, admin, member] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
      const id = await group(owner, [admin, member]);
      await setRole(owner, id, admin.id, 'admin').expect(200);
      const [change, leave] = await Promise.all([
        setRole(owner, id, admin.id, i % 2 === 0 ? 'member' : 'owner'),
        request(t.url).delete(`/v1/conversations/${id}/members/${admin.id}`).set(...bearer(admin.accessToken)),
      ]);
      const key = `${change.status}/${leave.status}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      // The leave always succeeds; the role change either went first (200) or found no member (404).
      expect({ change: change.status, leave: leave.status }).toEqual({ change: expect.any(Number), leave: 204 });
      expect([200, 404]).toContain(change.status);
      const left = (await db.query('SELECT 1 FROM conversation_members WHERE conversation_id = $1 AND user_id = $2', [id, admin.id])).rowCount;
      expect(left).toBe(0);
    }
    expect([...outcomes.keys()].every((k) => !k.startsWith('5') && !k.endsWith('/5'))).toBe(true);
  }, 120_000);

  describe('bounded history and reactions', () => {
    let owner: RegisteredUser;
    let other: RegisteredUser;
    let conversationId: string;
    beforeAll(async () => {
      [owner, other] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      conversationId = await group(owner, [other]);
    });
    const send = (content: string) =>
      request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(owner.accessToken)).send({ content, clientMessageId: uniqueName('m') }).expect(201);

    it('keeps at most MESSAGE_MAX_EDITS previous versions: the edit after that is a 409, and /edits pages', async () => {
      const m = await send('v1');
      for (const content of ['v2', 'v3', 'v4']) await request(t.url).patch(`/v1/messages/${m.body.id}`).set(...bearer(owner.accessToken)).send({ content }).expect(200);
      const refused = await request(t.url).patch(`/v1/messages/${m.body.id}`).set(...bearer(owner.accessToken)).send({ content: 'v5' });
      expectError(refused, 409, 'CONFLICT');
      expect(refused.body.error.message).toMatch(/at most 3 times/);
      const all = await request(t.url).get(`/v1/messages/${m.body.id}/edits`).set(...bearer(owner.accessToken)).expect(200);
      expect(all.body.map((e: { content: string }) => e.content)).toEqual(['v1', 'v2', 'v3']);
      expect(all.headers.link).toBeUndefined();
      const first = await request(t.url).get(`/v1/messages/${m.body.id}/edits?limit=2`).set(...bearer(owner.accessToken)).expect(200);
      expect(first.body.map((e: { version: number }) => e.version)).toEqual([1, 2]);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)?.[1];
      expect(next).toBe(`/v1/messages/${m.body.id}/edits?afterVersion=2&limit=2`);
      const second = await request(t.url).get(next as string).set(...bearer(owner.accessToken)).expect(200);
      expect(second.body.map((e: { version: number }) => e.version)).toEqual([3]);
      expect(second.headers.link).toBeUndefined();
      expectError(await request(t.url).get(`/v1/messages/${m.body.id}/edits?limit=0`).set(...bearer(owner.accessToken)), 400, 'VALIDATION_FAILED');
    });

    it('lets one user put at most MESSAGE_MAX_REACTIONS_PER_USER distinct reactions on a message, exactly, even at once', async () => {
      const m = await send('react to me');
      const emojis = ['👍', '🎉', '❤️', '😂', '🔥', '👀', '🙏', '💯'];
      const answers = await Promise.all(
        emojis.map((e) => request(t.url).put(`/v1/messages/${m.body.id}/reactions/${encodeURIComponent(e)}`).set(...bearer(owner.accessToken))),
      );
      expect(answers.filter((r) => r.status === 204)).toHaveLength(2);
      for (const r of answers.filter((x) => x.status !== 204)) expectError(r, 409, 'CONFLICT');
      const stored = (await db.query('SELECT emoji FROM message_reactions WHERE message_id = $1 AND user_id = $2', [m.body.id, owner.id])).rows;
      expect(stored).toHaveLength(2);
      // Repeating one of them is still a no-op success, and someone else has their own allowance.
      await request(t.url).put(`/v1/messages/${m.body.id}/reactions/${encodeURIComponent(stored[0].emoji)}`).set(...bearer(owner.accessToken)).expect(204);
      await request(t.url).put(`/v1/messages/${m.body.id}/reactions/${encodeURIComponent('🚀')}`).set(...bearer(other.accessToken)).expect(204);
    });
  });
});
