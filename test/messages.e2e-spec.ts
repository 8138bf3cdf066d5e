import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { bearer, expectError, expectHiddenLikeMissing, expectInvalid, expectInvalidPathId, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';

type Res = request.Response;

interface MessageBody {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  content: string | null;
  clientMessageId: string;
  replyToId: string | null;
  attachments: unknown[];
  reactions: { emoji: string; count: number; me: boolean }[];
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  version: number;
}


const seqs = (res: Res): number[] => res.body.items.map((m: MessageBody) => m.seq);
const THUMBS = encodeURIComponent('👍');
const HEART = encodeURIComponent('❤️');

describe('messages (e2e)', () => {
  let t: TestApp;
  let db: Client;
  let a: RegisteredUser;
  let b: RegisteredUser;
  let c: RegisteredUser;
  let late: RegisteredUser;
  let outsider: RegisteredUser;

  const api = () => request(t.url);
  const auth = (u: RegisteredUser) => bearer(u.accessToken);

  async function createGroup(owner: RegisteredUser, members: RegisteredUser[], name = 'Group'): Promise<string> {
    const res = await api()
      .post('/v1/conversations')
      .set(...auth(owner))
      .send({ name, memberIds: members.map((m) => m.id) });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  const sendRaw = (u: RegisteredUser, conversationId: string, body: object): request.Test =>
    api()
      .post(`/v1/conversations/${conversationId}/messages`)
      .set(...auth(u))
      .send(body);

  async function send(u: RegisteredUser, conversationId: string, content: string, extra: object = {}): Promise<MessageBody> {
    const res = await sendRaw(u, conversationId, { content, clientMessageId: randomUUID(), ...extra });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function conversation(u: RegisteredUser, conversationId: string): Promise<Res['body']> {
    return (await api().get(`/v1/conversations/${conversationId}`).set(...auth(u)).expect(200)).body;
  }

  async function getMessage(u: RegisteredUser, messageId: string): Promise<MessageBody> {
    return (await api().get(`/v1/messages/${messageId}`).set(...auth(u)).expect(200)).body;
  }

  /** unreadCount as GET /v1/conversations shows it (checked against GET /v1/conversations/{id}). */
  async function unread(u: RegisteredUser, conversationId: string): Promise<number> {
    const list = await api().get('/v1/conversations?limit=100').set(...auth(u)).expect(200);
    const item = list.body.items.find((x: { id: string }) => x.id === conversationId);
    expect(item).toBeDefined();
    expect((await conversation(u, conversationId)).unreadCount).toBe(item.unreadCount);
    return item.unreadCount;
  }

  const read = (u: RegisteredUser, conversationId: string, body: object): request.Test =>
    api()
      .post(`/v1/conversations/${conversationId}/read`)
      .set(...auth(u))
      .send(body);
  const delivered = (u: RegisteredUser, conversationId: string, body: object): request.Test =>
    api()
      .post(`/v1/conversations/${conversationId}/delivered`)
      .set(...auth(u))
      .send(body);

  async function receipts(u: RegisteredUser, conversationId: string): Promise<Record<string, { lastReadSeq: number; lastDeliveredSeq: number }>> {
    const res = await api().get(`/v1/conversations/${conversationId}/receipts`).set(...auth(u)).expect(200);
    expect(Array.isArray(res.body)).toBe(true);
    return Object.fromEntries(
      res.body.map((r: { userId: string; lastReadSeq: number; lastDeliveredSeq: number }) => {
        expect(Object.keys(r).sort()).toEqual(['lastDeliveredSeq', 'lastReadSeq', 'userId']);
        return [r.userId, { lastReadSeq: r.lastReadSeq, lastDeliveredSeq: r.lastDeliveredSeq }];
      }),
    );
  }

  async function auditRows(messageId: string): Promise<{ actor_id: string; action: string; target_type: string; conversation_id: string }[]> {
    const res = await db.query(`SELECT actor_id, action, target_type, conversation_id FROM audit_log WHERE target_id = $1`, [messageId]);
    return res.rows;
  }

  beforeAll(async () => {
    t = await startApp();
    db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
    [a, b, c, late, outsider] = await Promise.all([1, 2, 3, 4, 5].map(() => registerUser(t.url)));
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  describe('POST /v1/conversations/{id}/messages', () => {
    it('answers 201 with the Message; a retry of the clientMessageId (other content) answers 200 with the original and consumes no seq', async () => {
      const g = await createGroup(a, [b], 'send');
      const clientMessageId = randomUUID();
      const first = await sendRaw(a, g, { content: '  hello there  ', clientMessageId });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        conversationId: g,
        seq: 1,
        senderId: a.id,
        content: 'hello there',
        clientMessageId,
        replyToId: null,
        attachments: [],
        reactions: [],
        createdAt: expect.any(String),
        editedAt: null,
        deletedAt: null,
        version: 1,
      });
      expect(Number.isNaN(Date.parse(first.body.createdAt))).toBe(false);

      const retry = await sendRaw(a, g, { content: 'something else entirely', clientMessageId });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect((await conversation(a, g)).lastSeq).toBe(1);
      const history = await api().get(`/v1/conversations/${g}/messages`).set(...auth(b)).expect(200);
      expect(history.body.items.map((m: MessageBody) => m.content)).toEqual(['hello there']);

      const next = await send(a, g, 'second');
      expect(next.seq).toBe(2);
      // The key is (conversation, sender, clientMessageId): another sender, or another conversation, is a new message.
      const sameKeyOtherSender = await sendRaw(b, g, { content: 'mine', clientMessageId });
      expect(sameKeyOtherSender.status).toBe(201);
      expect(sameKeyOtherSender.body.seq).toBe(3);
      const g2 = await createGroup(a, [b], 'send-2');
      const otherConversation = await sendRaw(a, g2, { content: 'elsewhere', clientMessageId });
      expect(otherConversation.status).toBe(201);
      expect(otherConversation.body.seq).toBe(1);
    });

    it('accepts content up to 10000 characters after trimming and clientMessageIds up to 64 of [A-Za-z0-9_-]', async () => {
      const g = await createGroup(a, [b], 'limits');
      const max = 'x'.repeat(10_000);
      const long = await sendRaw(a, g, { content: `  ${max}\n`, clientMessageId: 'A'.repeat(64) });
      expect(long.status).toBe(201);
      expect(long.body.content).toBe(max);
      const odd = await sendRaw(a, g, { content: 'ok', clientMessageId: 'aZ09_-' });
      expect(odd.status).toBe(201);
      expect(odd.body.clientMessageId).toBe('aZ09_-');
      const one = await sendRaw(a, g, { content: 'ok', clientMessageId: 'q' });
      expect(one.status).toBe(201);
    });

    it.each([
      [{ content: '' }, 'content'],
      [{ content: '   ' }, 'content'],
      [{ content: ' \n\t ' }, 'content'],
      [{ content: 'x'.repeat(10_001) }, 'content'],
      [{ content: `  ${'y'.repeat(10_001)}  ` }, 'content'],
      [{ content: 42 }, 'content'],
      [{ content: null }, 'content'],
      [{ content: undefined }, 'content'],
      [{ clientMessageId: '' }, 'clientMessageId'],
      [{ clientMessageId: 'x'.repeat(65) }, 'clientMessageId'],
      [{ clientMessageId: 'has space' }, 'clientMessageId'],
      [{ clientMessageId: 'dots.not.allowed' }, 'clientMessageId'],
      [{ clientMessageId: 'ünïcode' }, 'clientMessageId'],
      [{ clientMessageId: 123 }, 'clientMessageId'],
      [{ clientMessageId: undefined }, 'clientMessageId'],
      [{ replyToId: 'not-a-uuid' }, 'replyToId'],
      [{ attachmentIds: 'nope' }, 'attachmentIds'],
      [{ attachmentIds: ['nope'] }, 'attachmentIds'],
      [{ senderId: '0190c7c0-0000-7000-8000-000000000000' }, 'senderId'],
    ])('refuses %s naming %s, storing nothing', async (override, field) => {
      const g = await createGroup(a, [b], 'invalid sends');
      const body = { content: 'valid', clientMessageId: randomUUID(), ...override };
      expectInvalid(await sendRaw(a, g, body), field);
      expect((await conversation(a, g)).lastSeq).toBe(0);
    });

    it('replyToId must be a message of the same conversation (404 otherwise); unknown attachments are 404', async () => {
      const g = await createGroup(a, [b], 'replies');
      const other = await createGroup(a, [b], 'replies elsewhere');
      const target = await send(b, g, 'original');
      const foreign = await send(a, other, 'in the other one');

      const reply = await send(a, g, 'a reply', { replyToId: target.id });
      expect(reply.replyToId).toBe(target.id);
      expectError(await sendRaw(a, g, { content: 'x', clientMessageId: randomUUID(), replyToId: foreign.id }), 404, 'NOT_FOUND');
      expectError(await sendRaw(a, g, { content: 'x', clientMessageId: randomUUID(), replyToId: randomUUID() }), 404, 'NOT_FOUND');

      expectError(await sendRaw(a, g, { content: 'x', clientMessageId: randomUUID(), attachmentIds: [randomUUID()] }), 404, 'NOT_FOUND');
      expectError(await sendRaw(a, g, { clientMessageId: randomUUID(), attachmentIds: [randomUUID()] }), 404, 'NOT_FOUND');
      expect((await conversation(a, g)).lastSeq).toBe(2);
    });

    it('refuses sending in a direct conversation after a block either way (403)', async () => {
      const [p, q] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
      const direct = await api().post('/v1/conversations/direct').set(...auth(p)).send({ userId: q.id }).expect(201);
      const id: string = direct.body.id;
      await send(p, id, 'before the block');

      await api().put(`/v1/users/me/blocks/${q.id}`).set(...auth(p)).expect(204);
      expectError(await sendRaw(p, id, { content: 'x', clientMessageId: randomUUID() }), 403, 'FORBIDDEN');
      expectError(await sendRaw(q, id, { content: 'x', clientMessageId: randomUUID() }), 403, 'FORBIDDEN');
      await api().delete(`/v1/users/me/blocks/${q.id}`).set(...auth(p)).expect(204);

      await api().put(`/v1/users/me/blocks/${p.id}`).set(...auth(q)).expect(204);
      expectError(await sendRaw(p, id, { content: 'x', clientMessageId: randomUUID() }), 403, 'FORBIDDEN');
      expectError(await sendRaw(q, id, { content: 'x', clientMessageId: randomUUID() }), 403, 'FORBIDDEN');
      await api().delete(`/v1/users/me/blocks/${p.id}`).set(...auth(q)).expect(204);

      const after = await send(q, id, 'after the unblock');
      expect(after.seq).toBe(2);
    });

    it('hides the conversation from non-members exactly like a missing one; validates the id; needs a token', async () => {
      const g = await createGroup(a, [b], 'private');
      expectHiddenLikeMissing(
        await sendRaw(outsider, g, { content: 'let me in', clientMessageId: randomUUID() }),
        await sendRaw(outsider, randomUUID(), { content: 'let me in', clientMessageId: randomUUID() }),
      );
      expectInvalidPathId(await sendRaw(a, 'not-a-uuid', { content: 'x', clientMessageId: randomUUID() }), 'id', 'conversationId');
      const malformed = await api()
        .post(`/v1/conversations/${g}/messages`)
        .set(...auth(a))
        .set('Content-Type', 'application/json')
        .send('{"content": "x", "clientMessageId": ');
      expectError(malformed, 400, 'VALIDATION_FAILED');
      expectError(
        await api().post(`/v1/conversations/${g}/messages`).set(...auth(a)).set('Content-Type', 'text/plain').send('hello'),
        400,
        'VALIDATION_FAILED',
      );
      expectError(await api().post(`/v1/conversations/${g}/messages`).send({ content: 'x', clientMessageId: randomUUID() }), 401, 'UNAUTHENTICATED');
      expect((await conversation(a, g)).lastSeq).toBe(0);
    });

    it('50 concurrent sends into one conversation get seqs exactly 1..50', async () => {
      const g = await createGroup(a, [b], 'burst');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => sendRaw(i % 2 ? a : b, g, { content: `burst ${i}`, clientMessageId: `burst-${i}` })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      expect(results.map((r) => r.body.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(results.map((r) => r.body.id)).size).toBe(50);

      const next = await send(a, g, 'after the burst');
      expect(next.seq).toBe(51);
      expect((await conversation(a, g)).lastSeq).toBe(51);
      // Default history is the latest 50, ascending, with more before them.
      const page = await api().get(`/v1/conversations/${g}/messages`).set(...auth(b)).expect(200);
      expect(seqs(page)).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
      expect(page.body.hasMore).toBe(true);
      const rows = await db.query(`SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq`, [g]);
      expect(rows.rows.map((r: { seq: string }) => Number(r.seq))).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    });

    it('10 concurrent identical retries store one message and consume one seq', async () => {
      const g = await createGroup(a, [b], 'retries');
      await send(a, g, 'warm-up');
      const clientMessageId = randomUUID();
      const results = await Promise.all(Array.from({ length: 10 }, () => sendRaw(a, g, { content: 'once', clientMessageId })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(results.map((r) => r.body.seq)).toEqual(Array(10).fill(2));
      const stored = await db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND client_message_id = $2`, [g, clientMessageId]);
      expect(stored.rows[0].n).toBe(1);
      expect((await conversation(a, g)).lastSeq).toBe(2);
      expect((await send(b, g, 'next')).seq).toBe(3);
      const outbox = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'conversationId' = $1`, [g]);
      expect(outbox.rows[0].n).toBe(3);
    });
  });

  describe('outbox', () => {
    it('a send writes exactly one message.sent row naming the message; a retry writes none', async () => {
      const g = await createGroup(a, [b], 'outbox');
      const clientMessageId = randomUUID();
      const sent = (await sendRaw(a, g, { content: 'to the outbox', clientMessageId }).expect(201)).body as MessageBody;
      const rows = await db.query(`SELECT topic, payload FROM outbox WHERE payload->>'messageId' = $1`, [sent.id]);
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0].topic).toBe('message.sent');
      expect(rows.rows[0].payload).toMatchObject({ messageId: sent.id, conversationId: g, seq: 1, senderId: a.id });

      await sendRaw(a, g, { content: 'again', clientMessageId }).expect(200);
      const after = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'messageId' = $1`, [sent.id]);
      expect(after.rows[0].n).toBe(1);
      // A refused send writes nothing either.
      expectError(await sendRaw(outsider, g, { content: 'x', clientMessageId: randomUUID() }), 404, 'NOT_FOUND');
      const all = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE payload->>'conversationId' = $1`, [g]);
      expect(all.rows[0].n).toBe(1);
    });
  });

  describe('GET /v1/conversations/{id}/messages', () => {
    let g: string;
    let sent: MessageBody[];
    beforeAll(async () => {
      g = await createGroup(a, [b], 'history');
      sent = [];
      for (let i = 1; i <= 7; i += 1) sent.push(await send(i % 2 ? a : b, g, `m${i}`));
    });

    it('answers the latest messages by default, ascending, with hasMore', async () => {
      const all = await api().get(`/v1/conversations/${g}/messages`).set(...auth(a)).expect(200);
      expect(Object.keys(all.body).sort()).toEqual(['hasMore', 'items']);
      expect(all.body.items).toEqual(sent);
      expect(all.body.hasMore).toBe(false);

      const latest = await api().get(`/v1/conversations/${g}/messages?limit=3`).set(...auth(b)).expect(200);
      expect(seqs(latest)).toEqual([5, 6, 7]);
      expect(latest.body.items.map((m: MessageBody) => m.content)).toEqual(['m5', 'm6', 'm7']);
      expect(latest.body.hasMore).toBe(true);
    });

    it('pages back with beforeSeq', async () => {
      const page = await api().get(`/v1/conversations/${g}/messages?beforeSeq=5&limit=3`).set(...auth(a)).expect(200);
      expect(seqs(page)).toEqual([2, 3, 4]);
      expect(page.body.hasMore).toBe(true);
      const first = await api().get(`/v1/conversations/${g}/messages?beforeSeq=2&limit=3`).set(...auth(a)).expect(200);
      expect(seqs(first)).toEqual([1]);
      expect(first.body.hasMore).toBe(false);
      const exact = await api().get(`/v1/conversations/${g}/messages?beforeSeq=4&limit=3`).set(...auth(a)).expect(200);
      expect(seqs(exact)).toEqual([1, 2, 3]);
      expect(exact.body.hasMore).toBe(false);
      const none = await api().get(`/v1/conversations/${g}/messages?beforeSeq=1`).set(...auth(a)).expect(200);
      expect(none.body).toEqual({ items: [], hasMore: false });
    });

    it('catches up with afterSeq', async () => {
      const page = await api().get(`/v1/conversations/${g}/messages?afterSeq=2&limit=3`).set(...auth(a)).expect(200);
      expect(seqs(page)).toEqual([3, 4, 5]);
      expect(page.body.hasMore).toBe(true);
      const rest = await api().get(`/v1/conversations/${g}/messages?afterSeq=5&limit=3`).set(...auth(a)).expect(200);
      expect(seqs(rest)).toEqual([6, 7]);
      expect(rest.body.hasMore).toBe(false);
      const fromStart = await api().get(`/v1/conversations/${g}/messages?afterSeq=0`).set(...auth(a)).expect(200);
      expect(seqs(fromStart)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const upToDate = await api().get(`/v1/conversations/${g}/messages?afterSeq=7`).set(...auth(a)).expect(200);
      expect(upToDate.body).toEqual({ items: [], hasMore: false });
    });

    it('validates limit (1–100) and the seqs', async () => {
      for (const q of ['limit=0', 'limit=101', 'limit=ten', 'limit=-5']) {
        expectInvalid(await api().get(`/v1/conversations/${g}/messages?${q}`).set(...auth(a)), 'limit');
      }
      await api().get(`/v1/conversations/${g}/messages?limit=1`).set(...auth(a)).expect(200);
      await api().get(`/v1/conversations/${g}/messages?limit=100`).set(...auth(a)).expect(200);
      expectInvalid(await api().get(`/v1/conversations/${g}/messages?beforeSeq=-1`).set(...auth(a)), 'beforeSeq');
      expectInvalid(await api().get(`/v1/conversations/${g}/messages?beforeSeq=abc`).set(...auth(a)), 'beforeSeq');
      expectInvalid(await api().get(`/v1/conversations/${g}/messages?afterSeq=-1`).set(...auth(a)), 'afterSeq');
      expectInvalid(await api().get(`/v1/conversations/${g}/messages?afterSeq=1.5`).set(...auth(a)), 'afterSeq');
    });

    it('hides the history from non-members exactly like a missing conversation; needs a token', async () => {
      expectHiddenLikeMissing(
        await api().get(`/v1/conversations/${g}/messages`).set(...auth(outsider)),
        await api().get(`/v1/conversations/${randomUUID()}/messages`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().get('/v1/conversations/xyz/messages').set(...auth(a)), 'id', 'conversationId');
      expectError(await api().get(`/v1/conversations/${g}/messages`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('GET /v1/messages/{id}', () => {
    it('answers a member the message; a non-member gets 404 exactly like a missing id', async () => {
      const g = await createGroup(a, [b], 'get one');
      const m = await send(a, g, 'look at me');
      expect(await getMessage(b, m.id)).toEqual(m);
      expectHiddenLikeMissing(
        await api().get(`/v1/messages/${m.id}`).set(...auth(outsider)),
        await api().get(`/v1/messages/${randomUUID()}`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().get('/v1/messages/not-a-uuid').set(...auth(a)), 'id', 'messageId');
      expectError(await api().get(`/v1/messages/${m.id}`), 401, 'UNAUTHENTICATED');
    });
  });

  describe('PATCH /v1/messages/{id} and GET /v1/messages/{id}/edits', () => {
    it('the sender edits: version grows, /edits lists previous versions oldest first without the current text', async () => {
      const g = await createGroup(a, [b], 'edits');
      const m = await send(a, g, 'first draft');
      expect(await api().get(`/v1/messages/${m.id}/edits`).set(...auth(b)).expect(200)).toHaveProperty('body', []);

      const v2 = await api().patch(`/v1/messages/${m.id}`).set(...auth(a)).send({ content: '  second draft  ' }).expect(200);
      expect(v2.body).toEqual({ ...m, content: 'second draft', version: 2, editedAt: expect.any(String) });
      const v3 = await api().patch(`/v1/messages/${m.id}`).set(...auth(a)).send({ content: 'final', expectedVersion: 2 }).expect(200);
      expect(v3.body).toMatchObject({ id: m.id, seq: m.seq, content: 'final', version: 3 });
      expect(await getMessage(b, m.id)).toMatchObject({ content: 'final', version: 3, editedAt: expect.any(String) });

      const edits = await api().get(`/v1/messages/${m.id}/edits`).set(...auth(b)).expect(200);
      expect(edits.body).toEqual([
        { version: 1, content: 'first draft', editedAt: expect.any(String) },
        { version: 2, content: 'second draft', editedAt: expect.any(String) },
      ]);
      expect(Date.parse(edits.body[0].editedAt)).toBeLessThanOrEqual(Date.parse(edits.body[1].editedAt));

      const stale = await api().patch(`/v1/messages/${m.id}`).set(...auth(a)).send({ content: 'lost update', expectedVersion: 2 });
      expectError(stale, 409, 'CONFLICT');
      expect(await getMessage(a, m.id)).toMatchObject({ content: 'final', version: 3 });
      // The history view shows the edited message in place.
      const history = await api().get(`/v1/conversations/${g}/messages`).set(...auth(b)).expect(200);
      expect(history.body.items).toEqual([expect.objectContaining({ id: m.id, seq: 1, content: 'final', version: 3 })]);
    });

    it('a member who is not the sender gets 403, a non-member 404 exactly like a missing id, no token 401', async () => {
      const g = await createGroup(a, [b], 'edit auth');
      const m = await send(a, g, 'mine');
      expectError(await api().patch(`/v1/messages/${m.id}`).set(...auth(b)).send({ content: 'hijack' }), 403, 'FORBIDDEN');
      expectHiddenLikeMissing(
        await api().patch(`/v1/messages/${m.id}`).set(...auth(outsider)).send({ content: 'hijack' }),
        await api().patch(`/v1/messages/${randomUUID()}`).set(...auth(outsider)).send({ content: 'hijack' }),
      );
      expectHiddenLikeMissing(
        await api().get(`/v1/messages/${m.id}/edits`).set(...auth(outsider)),
        await api().get(`/v1/messages/${randomUUID()}/edits`).set(...auth(outsider)),
      );
      expectError(await api().patch(`/v1/messages/${m.id}`).send({ content: 'anon' }), 401, 'UNAUTHENTICATED');
      expectError(await api().get(`/v1/messages/${m.id}/edits`), 401, 'UNAUTHENTICATED');
      expectInvalidPathId(await api().get('/v1/messages/nope/edits').set(...auth(a)), 'id', 'messageId');
      expect(await getMessage(a, m.id)).toEqual(m);
    });

    it.each([
      [{ content: '' }, 'content'],
      [{ content: '   ' }, 'content'],
      [{ content: 'x'.repeat(10_001) }, 'content'],
      [{}, 'content'],
      [{ content: 'ok', expectedVersion: 0 }, 'expectedVersion'],
      [{ content: 'ok', expectedVersion: 'one' }, 'expectedVersion'],
      [{ content: 'ok', expectedVersion: 1.5 }, 'expectedVersion'],
      [{ content: 'ok', version: 9 }, 'version'],
    ])('refuses %s naming %s', async (body, field) => {
      const g = await createGroup(a, [b], 'edit invalid');
      const m = await send(a, g, 'unchanged');
      expectInvalid(await api().patch(`/v1/messages/${m.id}`).set(...auth(a)).send(body), field);
      expect(await getMessage(a, m.id)).toEqual(m);
    });

    it('refuses editing a deleted message with 409', async () => {
      const g = await createGroup(a, [b], 'edit deleted');
      const m = await send(a, g, 'soon gone');
      await api().delete(`/v1/messages/${m.id}`).set(...auth(a)).expect(204);
      expectError(await api().patch(`/v1/messages/${m.id}`).set(...auth(a)).send({ content: 'revive' }), 409, 'CONFLICT');
      expect((await getMessage(a, m.id)).content).toBeNull();
    });
  });

  describe('DELETE /v1/messages/{id}', () => {
    it('the sender deletes: 204, then a tombstone that keeps id, seq and sender', async () => {
      const g = await createGroup(a, [b], 'deletes');
      const m1 = await send(a, g, 'keep');
      const m2 = await send(a, g, 'remove me');
      await api().put(`/v1/messages/${m2.id}/reactions/${THUMBS}`).set(...auth(b)).expect(204);
      await api().delete(`/v1/messages/${m2.id}`).set(...auth(a)).expect(204);

      const tomb = await getMessage(b, m2.id);
      expect(tomb).toMatchObject({ id: m2.id, conversationId: g, seq: 2, senderId: a.id, content: null, deletedAt: expect.any(String) });
      const history = await api().get(`/v1/conversations/${g}/messages`).set(...auth(b)).expect(200);
      expect(history.body.items.map((m: MessageBody) => [m.id, m.seq, m.content])).toEqual([
        [m1.id, 1, 'keep'],
        [m2.id, 2, null],
      ]);
      expect((await send(b, g, 'after')).seq).toBe(3);
      // A delete by the sender is not moderation: no audit entry.
      expect(await auditRows(m2.id)).toEqual([]);
    });

    it("group owners and admins delete others' messages (audited); a plain member gets 403", async () => {
      const g = await createGroup(a, [b, c], 'moderation');
      await api().patch(`/v1/conversations/${g}/members/${b.id}`).set(...auth(a)).send({ role: 'admin' }).expect(200);
      const byC1 = await send(c, g, 'spam one');
      const byC2 = await send(c, g, 'spam two');
      const byB = await send(b, g, 'from the admin');

      expectError(await api().delete(`/v1/messages/${byB.id}`).set(...auth(c)), 403, 'FORBIDDEN');
      expect((await getMessage(c, byB.id)).content).toBe('from the admin');
      expect(await auditRows(byB.id)).toEqual([]);

      await api().delete(`/v1/messages/${byC1.id}`).set(...auth(a)).expect(204);
      expect((await getMessage(c, byC1.id)).deletedAt).toEqual(expect.any(String));
      expect(await auditRows(byC1.id)).toEqual([{ actor_id: a.id, action: 'message.delete', target_type: 'message', conversation_id: g }]);

      await api().delete(`/v1/messages/${byC2.id}`).set(...auth(b)).expect(204);
      expect((await getMessage(a, byC2.id)).content).toBeNull();
      expect(await auditRows(byC2.id)).toEqual([{ actor_id: b.id, action: 'message.delete', target_type: 'message', conversation_id: g }]);
    });

    it('in a direct conversation only the sender deletes; non-members get 404 like a missing id; validation and 401', async () => {
      const direct = await api().post('/v1/conversations/direct').set(...auth(a)).send({ userId: c.id });
      expect([200, 201]).toContain(direct.status);
      const m = await send(a, direct.body.id, 'direct words');
      expectError(await api().delete(`/v1/messages/${m.id}`).set(...auth(c)), 403, 'FORBIDDEN');
      expectHiddenLikeMissing(
        await api().delete(`/v1/messages/${m.id}`).set(...auth(outsider)),
        await api().delete(`/v1/messages/${randomUUID()}`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().delete('/v1/messages/12').set(...auth(a)), 'id', 'messageId');
      expectError(await api().delete(`/v1/messages/${m.id}`), 401, 'UNAUTHENTICATED');
      expect((await getMessage(c, m.id)).content).toBe('direct words');
    });
  });

  describe('PUT/DELETE /v1/messages/{id}/reactions/{emoji}', () => {
    it('adds and removes idempotently; reactions are aggregated with `me` from the viewer', async () => {
      const g = await createGroup(a, [b, c], 'reactions');
      const m = await send(a, g, 'react to this');

      await api().put(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(b)).expect(204);
      await api().put(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(b)).expect(204);
      await api().put(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(a)).expect(204);
      await api().put(`/v1/messages/${m.id}/reactions/${HEART}`).set(...auth(a)).expect(204);

      const sortByEmoji = (r: MessageBody['reactions']) => [...r].sort((x, y) => (x.emoji < y.emoji ? -1 : 1));
      expect(sortByEmoji((await getMessage(a, m.id)).reactions)).toEqual(
        sortByEmoji([
          { emoji: '👍', count: 2, me: true },
          { emoji: '❤️', count: 1, me: true },
        ]),
      );
      expect(sortByEmoji((await getMessage(b, m.id)).reactions)).toEqual(
        sortByEmoji([
          { emoji: '👍', count: 2, me: true },
          { emoji: '❤️', count: 1, me: false },
        ]),
      );
      const forC = await api().get(`/v1/conversations/${g}/messages`).set(...auth(c)).expect(200);
      expect(sortByEmoji(forC.body.items[0].reactions)).toEqual(
        sortByEmoji([
          { emoji: '👍', count: 2, me: false },
          { emoji: '❤️', count: 1, me: false },
        ]),
      );

      await api().delete(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(b)).expect(204);
      await api().delete(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(b)).expect(204);
      await api().delete(`/v1/messages/${m.id}/reactions/${HEART}`).set(...auth(c)).expect(204);
      expect(sortByEmoji((await getMessage(b, m.id)).reactions)).toEqual(
        sortByEmoji([
          { emoji: '👍', count: 1, me: false },
          { emoji: '❤️', count: 1, me: false },
        ]),
      );
      await api().delete(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(a)).expect(204);
      await api().delete(`/v1/messages/${m.id}/reactions/${HEART}`).set(...auth(a)).expect(204);
      expect((await getMessage(a, m.id)).reactions).toEqual([]);
    });

    it.each(['👩‍👩‍👧', '🇫🇷', '1️⃣', '👍🏽'])('accepts the single emoji %s', async (emoji) => {
      const g = await createGroup(a, [b], 'emoji ok');
      const m = await send(a, g, 'x');
      await api().put(`/v1/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`).set(...auth(b)).expect(204);
      expect((await getMessage(b, m.id)).reactions).toEqual([{ emoji, count: 1, me: true }]);
    });

    it.each(['a', 'ab', '👍👍', '👍a', '1', ' ', `👍${'\u0301'.repeat(31)}`])('refuses %j as an emoji naming emoji', async (emoji) => {
      const g = await createGroup(a, [b], 'emoji bad');
      const m = await send(a, g, 'x');
      expectInvalid(await api().put(`/v1/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`).set(...auth(b)), 'emoji');
      expectInvalid(await api().delete(`/v1/messages/${m.id}/reactions/${encodeURIComponent(emoji)}`).set(...auth(b)), 'emoji');
      expect((await getMessage(b, m.id)).reactions).toEqual([]);
    });

    it('hides the message from non-members exactly like a missing one; validates the id; needs a token', async () => {
      const g = await createGroup(a, [b], 'reactions auth');
      const m = await send(a, g, 'x');
      expectHiddenLikeMissing(
        await api().put(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(outsider)),
        await api().put(`/v1/messages/${randomUUID()}/reactions/${THUMBS}`).set(...auth(outsider)),
      );
      expectHiddenLikeMissing(
        await api().delete(`/v1/messages/${m.id}/reactions/${THUMBS}`).set(...auth(outsider)),
        await api().delete(`/v1/messages/${randomUUID()}/reactions/${THUMBS}`).set(...auth(outsider)),
      );
      expectInvalidPathId(await api().put(`/v1/messages/nope/reactions/${THUMBS}`).set(...auth(a)), 'id', 'messageId');
      expectError(await api().put(`/v1/messages/${m.id}/reactions/${THUMBS}`), 401, 'UNAUTHENTICATED');
      expectError(await api().delete(`/v1/messages/${m.id}/reactions/${THUMBS}`), 401, 'UNAUTHENTICATED');
      expect((await getMessage(a, m.id)).reactions).toEqual([]);
    });
  });

  describe('read state: POST read, POST delivered, GET receipts', () => {
    it('keeps exact unread counts across sends, reads, deletes and late joins; pointers only move forward', async () => {
      const g = await createGroup(a, [b, c], 'read state');
      const m1 = await send(a, g, 'one');
      const m2 = await send(a, g, 'two');
      await send(a, g, 'three');

      // Sending moves the sender's own pointers; own messages are never unread.
      expect(await unread(a, g)).toBe(0);
      expect(await unread(b, g)).toBe(3);
      expect(await unread(c, g)).toBe(3);
      expect((await conversation(a, g)).members.find((m: { userId: string }) => m.userId === a.id)).toEqual({ userId: a.id, role: 'owner', lastReadSeq: 3 });
      expect(await receipts(b, g)).toEqual({
        [a.id]: { lastReadSeq: 3, lastDeliveredSeq: 3 },
        [b.id]: { lastReadSeq: 0, lastDeliveredSeq: 0 },
        [c.id]: { lastReadSeq: 0, lastDeliveredSeq: 0 },
      });

      expect((await read(b, g, { seq: 2 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 2, unreadCount: 1 });
      expect((await read(b, g, { seq: 1 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 2, unreadCount: 1 });
      expect((await read(b, g, { seq: 2 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 2, unreadCount: 1 });
      expectInvalid(await read(b, g, { seq: 4 }), 'seq');
      expect(await unread(b, g)).toBe(1);
      expect((await read(b, g, { seq: 3 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 3, unreadCount: 0 });

      const m4 = await send(b, g, 'four');
      expect((await conversation(b, g)).members.find((m: { userId: string }) => m.userId === b.id).lastReadSeq).toBe(4);
      expect(await unread(b, g)).toBe(0);
      expect(await unread(a, g)).toBe(1);
      expect(await unread(c, g)).toBe(4);

      // Deleted messages are not unread.
      await api().delete(`/v1/messages/${m2.id}`).set(...auth(a)).expect(204);
      expect(await unread(c, g)).toBe(3);
      await api().delete(`/v1/messages/${m4.id}`).set(...auth(b)).expect(204);
      expect(await unread(a, g)).toBe(0);
      expect(await unread(c, g)).toBe(2);
      expect((await read(c, g, { seq: 0 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 0, unreadCount: 2 });
      expect((await read(c, g, { seq: 1 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 1, unreadCount: 1 });
      expect(m1.seq).toBe(1);

      // Delivery: forward-only, capped at lastSeq, and implied by reading.
      expect((await delivered(c, g, { seq: 2 }).expect(200)).body).toEqual({ conversationId: g, lastDeliveredSeq: 2 });
      expect((await delivered(c, g, { seq: 1 }).expect(200)).body).toEqual({ conversationId: g, lastDeliveredSeq: 2 });
      expectInvalid(await delivered(c, g, { seq: 5 }), 'seq');
      expect((await read(c, g, { seq: 3 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 3, unreadCount: 0 });
      let r = await receipts(a, g);
      expect(r[c.id]).toEqual({ lastReadSeq: 3, lastDeliveredSeq: 3 });
      expect((await delivered(c, g, { seq: 2 }).expect(200)).body).toEqual({ conversationId: g, lastDeliveredSeq: 3 });
      expect((await read(c, g, { seq: 4 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 4, unreadCount: 0 });
      r = await receipts(c, g);
      expect(r).toEqual({
        [a.id]: { lastReadSeq: 3, lastDeliveredSeq: 3 },
        [b.id]: { lastReadSeq: 4, lastDeliveredSeq: 4 },
        [c.id]: { lastReadSeq: 4, lastDeliveredSeq: 4 },
      });
      for (const row of Object.values(r)) expect(row.lastDeliveredSeq).toBeGreaterThanOrEqual(row.lastReadSeq);

      // A late joiner starts at the join point: nothing before it is unread.
      await api().post(`/v1/conversations/${g}/members`).set(...auth(a)).send({ userIds: [late.id] }).expect(200);
      expect(await unread(late, g)).toBe(0);
      expect((await receipts(late, g))[late.id]).toEqual({ lastReadSeq: 4, lastDeliveredSeq: 4 });
      const m5 = await send(a, g, 'five');
      expect(await unread(late, g)).toBe(1);
      expect(await unread(c, g)).toBe(1);
      expect(await unread(b, g)).toBe(1);
      expect((await read(late, g, { seq: 2 }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 4, unreadCount: 1 });
      expect((await read(late, g, { seq: m5.seq }).expect(200)).body).toEqual({ conversationId: g, lastReadSeq: 5, unreadCount: 0 });
      expect(await unread(late, g)).toBe(0);
    });

    it.each([[{}], [{ seq: -1 }], [{ seq: 'two' }], [{ seq: 1.5 }], [{ seq: null }]])('read and delivered refuse %j naming seq', async (body) => {
      const g = await createGroup(a, [b], 'seq invalid');
      await send(a, g, 'x');
      expectInvalid(await read(b, g, body), 'seq');
      expectInvalid(await delivered(b, g, body), 'seq');
      expect((await receipts(b, g))[b.id]).toEqual({ lastReadSeq: 0, lastDeliveredSeq: 0 });
    });

    it('refuses unknown fields; hides read, delivered and receipts from non-members exactly like a missing conversation; needs a token', async () => {
      const g = await createGroup(a, [b], 'read auth');
      await send(a, g, 'x');
      expectInvalid(await read(b, g, { seq: 1, userId: a.id }), 'userId');
      expectInvalid(await delivered(b, g, { seq: 1, extra: true }), 'extra');
      expectHiddenLikeMissing(await read(outsider, g, { seq: 1 }), await read(outsider, randomUUID(), { seq: 1 }));
      expectHiddenLikeMissing(await delivered(outsider, g, { seq: 1 }), await delivered(outsider, randomUUID(), { seq: 1 }));
      expectHiddenLikeMissing(
        await api().get(`/v1/conversations/${g}/receipts`).set(...auth(outsider)),
        await api().get(`/v1/conversations/${randomUUID()}/receipts`).set(...auth(outsider)),
      );
      expectInvalidPathId(await read(b, 'not-a-uuid', { seq: 1 }), 'id', 'conversationId');
      expectInvalidPathId(await api().get('/v1/conversations/not-a-uuid/receipts').set(...auth(b)), 'id', 'conversationId');
      expectError(await api().post(`/v1/conversations/${g}/read`).send({ seq: 1 }), 401, 'UNAUTHENTICATED');
      expectError(await api().post(`/v1/conversations/${g}/delivered`).send({ seq: 1 }), 401, 'UNAUTHENTICATED');
      expectError(await api().get(`/v1/conversations/${g}/receipts`), 401, 'UNAUTHENTICATED');
      expect((await receipts(b, g))[b.id]).toEqual({ lastReadSeq: 0, lastDeliveredSeq: 0 });
    });
  });
});
