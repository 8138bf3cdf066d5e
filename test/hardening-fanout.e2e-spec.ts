import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Socket } from 'socket.io-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApp, TestApp } from './support/app';
import { bearer, expectError, freshUsername, registerUser, RegisteredUser } from './support/factories';
import { connect, emitAck, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

interface ConversationEvent {
  id: string;
  name: string | null;
  unreadCount: number;
  members: { userId: string }[];
}

/** Two API nodes on one Redis namespace: what one emits reaches the other through the shared stream. */
describe('hardening: fan-out and privacy (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;
  let db: DataSource;
  const sockets: Socket[] = [];
  const open = async (node: TestApp, user: RegisteredUser): Promise<Socket> => {
    const s = await connect(node.url, { token: user.accessToken });
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('fanout')}:` };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    redis = new Redis(process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    db = a.app.get(DataSource);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await redis.quit();
    await Promise.all([a.close(), b.close()]);
  });

  const stream = () => `${a.config.redis.keyPrefix}socket.io`;
  const lastEntry = async (): Promise<string> => ((await redis.xrevrange(stream(), '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0');
  /** Entries written to the shared stream after `after`, heartbeats (types 1 and 2) left out. */
  async function entriesSince(after: string): Promise<number> {
    const entries = await redis.xrange(stream(), `(${after}`, '+');
    return entries.filter(([, fields]) => {
      const type = fields[fields.indexOf('type') + 1];
      return type !== '1' && type !== '2';
    }).length;
  }

  /** Users made directly in the database: a hundred registrations would only measure password hashing. */
  async function quietUsers(n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, () => randomUUID());
    await db.query(
      `INSERT INTO users (id, username, email, display_name, password_hash)
       SELECT id, 'q' || substr(md5(id::text), 1, 20), substr(md5(id::text), 1, 20) || '@example.test', 'Quiet', 'x' FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    return ids;
  }

  it('adding 100 members and renaming cost the shared stream one entry per domain event, and everyone still gets every event with their own fields', async () => {
    const [owner, watcher] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
    const group = await request(a.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name: 'Big', memberIds: [watcher.id] }).expect(201);
    const id = group.body.id as string;
    for (const content of ['one', 'two']) {
      await request(a.url).post(`/v1/conversations/${id}/messages`).set(...bearer(owner.accessToken)).send({ content, clientMessageId: uniqueName('m') }).expect(201);
    }
    const [ownerOnA, watcherOnB] = await Promise.all([open(a, owner), open(b, watcher)]);
    const added: string[] = [];
    watcherOnB.on('conversation.member_added', (e: { conversationId: string; userId: string }) => {
      if (e.conversationId === id) added.push(e.userId);
    });
    const newcomers = await quietUsers(100);

    const before = await lastEntry();
    const watcherUpdate = nextEvent<ConversationEvent>(watcherOnB, 'conversation.updated', 5000, (c) => c.id === id);
    const ownerUpdate = nextEvent<ConversationEvent>(ownerOnA, 'conversation.updated', 5000, (c) => c.id === id);
    await request(a.url).post(`/v1/conversations/${id}/members`).set(...bearer(owner.accessToken)).send({ userIds: newcomers }).expect(200);
    const [w, o] = await Promise.all([watcherUpdate, ownerUpdate]);
    // Each member's own unread count, from one broadcast: the watcher has the owner's two messages unread.
    expect({ watcher: w.unreadCount, owner: o.unreadCount, members: w.members.length }).toEqual({ watcher: 2, owner: 0, members: 102 });
    for (let i = 0; i < 50 && added.length < 100; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(added.sort()).toEqual([...newcomers].sort());
    // conversation.created for the newcomers, the 100 member_added, and conversation.updated: three entries, not ~200.
    expect(await entriesSince(before)).toBe(3);

    const renamed = await lastEntry();
    const watcherRename = nextEvent<ConversationEvent>(watcherOnB, 'conversation.updated', 5000, (c) => c.id === id && c.name === 'Bigger');
    await request(a.url).patch(`/v1/conversations/${id}`).set(...bearer(owner.accessToken)).send({ name: 'Bigger' }).expect(200);
    expect((await watcherRename).unreadCount).toBe(2);
    expect(await entriesSince(renamed)).toBe(1);
  });

  it('tells a member who joined later nothing of the messages before their join point, and each reactor sees `me` on their own reactions', async () => {
    const [owner, reactor, late] = await Promise.all([registerUser(a.url), registerUser(a.url), registerUser(a.url)]);
    const group = await request(a.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name: 'History', memberIds: [reactor.id] }).expect(201);
    const id = group.body.id as string;
    const before = await request(a.url).post(`/v1/conversations/${id}/messages`).set(...bearer(owner.accessToken)).send({ content: 'before the newcomer: secret plan', clientMessageId: uniqueName('m') }).expect(201);
    await request(a.url).put(`/v1/messages/${before.body.id}/reactions/${encodeURIComponent('👍')}`).set(...bearer(reactor.accessToken)).expect(204);
    const [lateOnB, reactorOnA] = await Promise.all([open(b, late), open(a, reactor)]);
    const seenByLate: [string, unknown][] = [];
    lateOnB.onAny((event: string, payload: unknown) => seenByLate.push([event, payload]));
    const lateUpdated = nextEvent<ConversationEvent & { lastMessage: unknown }>(lateOnB, 'conversation.updated', 5000, (c) => c.id === id);
    const reactorUpdated = nextEvent<ConversationEvent & { lastMessage: { reactions: { emoji: string; me: boolean }[] } | null }>(reactorOnA, 'conversation.updated', 5000, (c) => c.id === id);
    await request(a.url).post(`/v1/conversations/${id}/members`).set(...bearer(owner.accessToken)).send({ userIds: [late.id] }).expect(200);
    expect((await lateUpdated).lastMessage).toBeNull();
    expect((await reactorUpdated).lastMessage?.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);

    // Edited, reacted to and deleted after the newcomer joined: none of it reaches them; the reactor's edit event says `me`.
    const reactorEdit = nextEvent<{ id: string; reactions: { emoji: string; count: number; me: boolean }[] }>(reactorOnA, 'message.updated', 5000);
    await request(a.url).patch(`/v1/messages/${before.body.id}`).set(...bearer(owner.accessToken)).send({ content: 'edited: secret plan v2' }).expect(200);
    expect((await reactorEdit).reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
    await request(a.url).put(`/v1/messages/${before.body.id}/reactions/${encodeURIComponent('🎉')}`).set(...bearer(owner.accessToken)).expect(204);
    const deleted = nextEvent(reactorOnA, 'message.deleted', 5000);
    await request(a.url).delete(`/v1/messages/${before.body.id}`).set(...bearer(owner.accessToken)).expect(204);
    await deleted;
    // A message after the join does reach them (the positive control), and is the last thing they saw.
    const after = nextEvent<{ content: string }>(lateOnB, 'message.created', 5000);
    await request(a.url).post(`/v1/conversations/${id}/messages`).set(...bearer(owner.accessToken)).send({ content: 'after the join', clientMessageId: uniqueName('m') }).expect(201);
    expect((await after).content).toBe('after the join');
    const leaked = seenByLate.filter(([event, payload]) => ['message.updated', 'message.deleted', 'reaction.added', 'reaction.removed'].includes(event) || JSON.stringify(payload).includes('secret plan'));
    expect(leaked).toEqual([]);
  });

  it('lets nothing pass a block in a direct conversation: no typing, edits or reactions, and no read receipts to the blocker', async () => {
    const [blocker, blocked] = await Promise.all([registerUser(a.url), registerUser(a.url)]);
    const conv = await request(a.url).post('/v1/conversations/direct').set(...bearer(blocker.accessToken)).send({ userId: blocked.id }).expect(201);
    const id = conv.body.id as string;
    const mine = await request(a.url).post(`/v1/conversations/${id}/messages`).set(...bearer(blocked.accessToken)).send({ content: 'hi', clientMessageId: uniqueName('m') }).expect(201);
    const theirs = await request(a.url).post(`/v1/conversations/${id}/messages`).set(...bearer(blocker.accessToken)).send({ content: 'hello', clientMessageId: uniqueName('m') }).expect(201);
    await request(a.url).put(`/v1/users/me/blocks/${blocked.id}`).set(...bearer(blocker.accessToken)).expect(204);
    const blockerSocket = await open(a, blocker);
    const got: string[] = [];
    blockerSocket.onAny((event: string) => got.push(event));
    const blockedSocket = await open(b, blocked);
    const acks = await Promise.all([
      emitAck(blockedSocket, 'typing', { conversationId: id, isTyping: true }),
      emitAck(blockedSocket, 'message.edit', { messageId: mine.body.id, content: 'still talking to you' }),
      emitAck(blockedSocket, 'reaction.add', { messageId: theirs.body.id, emoji: '👎' }),
    ]);
    expect(acks.map((ack) => ack.error?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN']);
    // Reading is the reader's own business: it moves their pointer, and tells only their own devices.
    const own = nextEvent(blockedSocket, 'conversation.read', 3000);
    expect((await emitAck(blockedSocket, 'conversation.read', { conversationId: id, seq: 2 })).ok).toBe(true);
    await own;
    await new Promise((r) => setTimeout(r, 300));
    expect(got.filter((e) => e !== 'sync.required')).toEqual([]);
  });

  describe('groupInvites', () => {
    it('a user who accepts group invitations only from contacts cannot be pulled into a group by a stranger', async () => {
      const [careful, stranger, contact] = await Promise.all([registerUser(a.url), registerUser(a.url), registerUser(a.url)]);
      const me = await request(a.url).get('/v1/users/me').set(...bearer(careful.accessToken)).expect(200);
      expect(me.body.groupInvites).toBe('everyone');
      const updated = await request(a.url).patch('/v1/users/me').set(...bearer(careful.accessToken)).send({ groupInvites: 'contacts' }).expect(200);
      expect(updated.body.groupInvites).toBe('contacts');
      expectError(await request(a.url).patch('/v1/users/me').set(...bearer(careful.accessToken)).send({ groupInvites: 'friends' }), 400, 'VALIDATION_FAILED');
      await request(a.url).post('/v1/conversations/direct').set(...bearer(contact.accessToken)).send({ userId: careful.id }).expect(201);

      expectError(
        await request(a.url).post('/v1/conversations').set(...bearer(stranger.accessToken)).send({ name: 'Spam', memberIds: [careful.id] }),
        403,
        'FORBIDDEN',
      );
      const strangersGroup = await request(a.url).post('/v1/conversations').set(...bearer(stranger.accessToken)).send({ name: 'Spam', memberIds: [contact.id] }).expect(201);
      expectError(
        await request(a.url).post(`/v1/conversations/${strangersGroup.body.id}/members`).set(...bearer(stranger.accessToken)).send({ userIds: [careful.id] }),
        403,
        'FORBIDDEN',
      );
      // A contact may; so may anyone once the setting is back to everyone.
      await request(a.url).post('/v1/conversations').set(...bearer(contact.accessToken)).send({ name: 'Friends', memberIds: [careful.id] }).expect(201);
      await request(a.url).patch('/v1/users/me').set(...bearer(careful.accessToken)).send({ groupInvites: 'everyone' }).expect(200);
      await request(a.url).post(`/v1/conversations/${strangersGroup.body.id}/members`).set(...bearer(stranger.accessToken)).send({ userIds: [careful.id] }).expect(200);
      const rows = await db.query(`SELECT count(*)::int AS n FROM conversation_members WHERE user_id = $1`, [careful.id]);
      expect(rows[0].n).toBe(3);
    });

    it('a fellow group member who is not a contact sees the presence of a user never seen', async () => {
      const [subject, contact, groupie] = await Promise.all([registerUser(a.url), registerUser(a.url), registerUser(a.url, { username: freshUsername('g') })]);
      await request(a.url).post('/v1/conversations/direct').set(...bearer(contact.accessToken)).send({ userId: subject.id }).expect(201);
      await request(a.url).post('/v1/conversations').set(...bearer(groupie.accessToken)).send({ name: 'Pulled in', memberIds: [subject.id] }).expect(201);
      await open(a, subject);
      const ask = async (who: RegisteredUser) => (await request(a.url).get('/v1/presence').query({ userIds: subject.id }).set(...bearer(who.accessToken)).expect(200)).body;
      expect(await ask(contact)).toEqual([{ userId: subject.id, status: 'online', lastSeenAt: null }]);
      expect(await ask(groupie)).toEqual([{ userId: subject.id, status: 'offline', lastSeenAt: null }]);
    });
  });
});
