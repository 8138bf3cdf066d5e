import { Client } from 'pg';
import request from 'supertest';
import { Socket } from 'socket.io-client';
import { bearer, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, emitAck, nextEvent } from './support/socket';

interface Msg {
  id: string;
  seq: number;
  content: string | null;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
}

/** Collects every event of the given names that reaches a socket. */
function recorder(socket: Socket, names: string[]): { events: { name: string; data: unknown }[] } {
  const rec = { events: [] as { name: string; data: unknown }[] };
  for (const name of names) socket.on(name, (data: unknown) => rec.events.push({ name, data }));
  return rec;
}

/** A round trip on the socket: anything emitted to it before this call has arrived by the time it resolves. */
async function settle(socket: Socket): Promise<void> {
  await emitAck(socket, 'me');
}

describe('messaging over Socket.IO (e2e)', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  const sockets: Socket[] = [];
  const open = async (user: RegisteredUser): Promise<Socket> => {
    const s = await connect(t.url, { token: user.accessToken });
    sockets.push(s);
    return s;
  };
  let seqCounter = 0;
  const cmid = (): string => `c-${Date.now()}-${(seqCounter += 1)}`;

  beforeAll(async () => {
    t = await startApp();
    [alice, bob] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await t.close();
  });

  async function group(owner: RegisteredUser, members: RegisteredUser[], name = 'room'): Promise<string> {
    const res = await request(t.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name, memberIds: members.map((m) => m.id) }).expect(201);
    return res.body.id as string;
  }

  it('delivers a REST send as message.created to every device of every member, sender included', async () => {
    const conversationId = (await request(t.url).post('/v1/conversations/direct').set(...bearer(alice.accessToken)).send({ userId: bob.id })).body.id as string;
    const [bobPhone, bobLaptop, aliceOther] = await Promise.all([open(bob), open(bob), open(alice)]);
    const got = Promise.all([bobPhone, bobLaptop, aliceOther].map((s) => nextEvent<Msg>(s, 'message.created')));
    const sent = await request(t.url)
      .post(`/v1/conversations/${conversationId}/messages`)
      .set(...bearer(alice.accessToken))
      .send({ content: 'hello over REST', clientMessageId: cmid() })
      .expect(201);
    for (const m of await got) expect(m).toEqual(sent.body);
  });

  it('sends over the socket with an ack carrying the Message, and refuses bad input or strangers in the ack envelope', async () => {
    const carol = await registerUser(t.url);
    const conversationId = await group(alice, [bob]);
    const [a, b, c] = await Promise.all([open(alice), open(bob), open(carol)]);
    const bobGot = nextEvent<Msg>(b, 'message.created');
    const ack = await emitAck<Msg>(a, 'message.send', { conversationId, content: '  hi  ', clientMessageId: cmid() });
    expect(ack.ok).toBe(true);
    expect(ack.data).toMatchObject({ conversationId, content: 'hi', seq: 1, senderId: alice.id, version: 1, reactions: [], attachments: [] });
    expect(await bobGot).toEqual(ack.data);

    const bad = await emitAck(a, 'message.send', { conversationId, content: '', clientMessageId: cmid() });
    expect(bad).toEqual({ ok: false, error: expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'content' })] }) });
    const stranger = await emitAck(c, 'message.send', { conversationId, content: 'let me in', clientMessageId: cmid() });
    expect(stranger.error?.code).toBe('NOT_FOUND');
    const retry = await emitAck<Msg>(a, 'message.send', { conversationId, content: 'different', clientMessageId: ack.data!.clientMessageId });
    expect(retry.data).toEqual(ack.data);
  });

  it('lets a client that missed messages catch up exactly with messages.sync {afterSeq}', async () => {
    const conversationId = await group(alice, [bob]);
    const b1 = await open(bob);
    const first = await emitAck<Msg>(b1, 'message.send', { conversationId, content: 'before the tunnel', clientMessageId: cmid() });
    b1.close();
    const missed: Msg[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(alice.accessToken)).send({ content: `missed ${i}`, clientMessageId: cmid() });
      missed.push(res.body as Msg);
    }
    const b2 = await open(bob);
    const sync = await emitAck<{ items: Msg[]; hasMore: boolean }>(b2, 'messages.sync', { conversationId, afterSeq: first.data!.seq });
    expect(sync.ok).toBe(true);
    expect(sync.data!.items.map((m) => m.id)).toEqual(missed.map((m) => m.id));
    expect(sync.data!.items.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(sync.data!.hasMore).toBe(false);
    const paged = await emitAck<{ items: Msg[]; hasMore: boolean }>(b2, 'messages.sync', { conversationId, afterSeq: 1, limit: 2 });
    expect(paged.data!.items.map((m) => m.seq)).toEqual([2, 3]);
    expect(paged.data!.hasMore).toBe(true);
    expect((await emitAck(b2, 'messages.sync', { conversationId })).error?.code).toBe('VALIDATION_FAILED');
  });

  it('tells a connected user about a conversation created or joined after they connected, without reconnecting', async () => {
    const dave = await registerUser(t.url);
    const d = await open(dave);
    const created = nextEvent<{ id: string; members: { userId: string }[] }>(d, 'conversation.created');
    const conversationId = await group(alice, [bob]);
    await request(t.url).post(`/v1/conversations/${conversationId}/members`).set(...bearer(alice.accessToken)).send({ userIds: [dave.id] }).expect(200);
    const view = await created;
    expect(view.id).toBe(conversationId);
    expect(view.members.map((m) => m.userId)).toContain(dave.id);
    const msg = nextEvent<Msg>(d, 'message.created');
    await request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(bob.accessToken)).send({ content: 'welcome dave', clientMessageId: cmid() }).expect(201);
    expect((await msg).content).toBe('welcome dave');
  });

  it('sends a removed member conversation.member_removed for themselves, then nothing more from that conversation', async () => {
    const erin = await registerUser(t.url);
    const conversationId = await group(alice, [bob, erin]);
    const e = await open(erin);
    const rec = recorder(e, ['message.created', 'conversation.updated', 'conversation.member_removed', 'typing', 'conversation.read']);
    const removed = nextEvent<{ conversationId: string; userId: string }>(e, 'conversation.member_removed');
    await request(t.url).delete(`/v1/conversations/${conversationId}/members/${erin.id}`).set(...bearer(alice.accessToken)).expect(204);
    expect(await removed).toEqual({ conversationId, userId: erin.id });
    const before = rec.events.length;
    const a = await open(alice);
    await emitAck(a, 'message.send', { conversationId, content: 'erin is gone', clientMessageId: cmid() });
    await emitAck(a, 'typing', { conversationId, isTyping: true });
    await request(t.url).patch(`/v1/conversations/${conversationId}`).set(...bearer(alice.accessToken)).send({ name: 'renamed' }).expect(200);
    await settle(a);
    await settle(e);
    expect(rec.events.slice(before)).toEqual([]);
    const sync = await emitAck(e, 'messages.sync', { conversationId, afterSeq: 0 });
    expect(sync.error?.code).toBe('NOT_FOUND');
  });

  it('sends typing to the other members only, never back to the typist’s devices', async () => {
    const conversationId = await group(alice, [bob]);
    const [a1, a2, b] = await Promise.all([open(alice), open(alice), open(bob)]);
    const aliceRec = [recorder(a1, ['typing']), recorder(a2, ['typing'])];
    const bobGot = nextEvent(b, 'typing');
    expect(await emitAck(a1, 'typing', { conversationId, isTyping: true })).toEqual({ ok: true, data: {} });
    expect(await bobGot).toEqual({ conversationId, userId: alice.id, isTyping: true });
    await settle(a1);
    await settle(a2);
    expect(aliceRec.flatMap((r) => r.events)).toEqual([]);
    expect((await emitAck(a1, 'typing', { conversationId, isTyping: 'yes' })).error?.code).toBe('VALIDATION_FAILED');
  });

  it('emits message.updated, reactions, read and delivery receipts and message.deleted to members', async () => {
    const conversationId = await group(alice, [bob]);
    const [a, b] = await Promise.all([open(alice), open(bob)]);
    const sent = (await emitAck<Msg>(a, 'message.send', { conversationId, content: 'v1', clientMessageId: cmid() })).data!;

    const updated = nextEvent<Msg & { version: number }>(b, 'message.updated');
    const edit = await emitAck<Msg & { version: number }>(a, 'message.edit', { messageId: sent.id, content: 'v2', expectedVersion: 1 });
    expect(edit.data).toMatchObject({ content: 'v2', version: 2 });
    expect(await updated).toEqual(edit.data);
    expect((await emitAck(b, 'message.edit', { messageId: sent.id, content: 'not mine' })).error?.code).toBe('FORBIDDEN');
    expect((await emitAck(a, 'message.edit', { messageId: sent.id, content: 'v3', expectedVersion: 1 })).error?.code).toBe('CONFLICT');

    const reacted = nextEvent(a, 'reaction.added');
    expect(await emitAck(b, 'reaction.add', { messageId: sent.id, emoji: '🎉' })).toEqual({ ok: true, data: {} });
    expect(await reacted).toEqual({ messageId: sent.id, conversationId, emoji: '🎉', userId: bob.id });
    const unreacted = nextEvent(a, 'reaction.removed');
    expect((await emitAck(b, 'reaction.remove', { messageId: sent.id, emoji: '🎉' })).ok).toBe(true);
    expect(await unreacted).toEqual({ messageId: sent.id, conversationId, emoji: '🎉', userId: bob.id });

    const delivered = nextEvent(a, 'conversation.delivered');
    expect((await emitAck(b, 'conversation.delivered', { conversationId, seq: sent.seq })).data).toEqual({ conversationId, lastDeliveredSeq: sent.seq });
    expect(await delivered).toEqual({ conversationId, userId: bob.id, lastDeliveredSeq: sent.seq });
    const receipt = nextEvent(a, 'conversation.read');
    expect((await emitAck(b, 'conversation.read', { conversationId, seq: sent.seq })).data).toEqual({ conversationId, lastReadSeq: sent.seq, unreadCount: 0 });
    expect(await receipt).toEqual({ conversationId, userId: bob.id, lastReadSeq: sent.seq });
    expect((await emitAck(b, 'conversation.read', { conversationId, seq: sent.seq + 5 })).error?.code).toBe('VALIDATION_FAILED');

    const deleted = nextEvent(b, 'message.deleted');
    expect(await emitAck(a, 'message.delete', { messageId: sent.id })).toEqual({ ok: true, data: { id: sent.id } });
    expect(await deleted).toEqual({ id: sent.id, conversationId, seq: sent.seq });
  });

  it('answers a non-member’s socket events about a conversation with NOT_FOUND, like REST', async () => {
    const frank = await registerUser(t.url);
    const conversationId = await group(alice, [bob]);
    const a = await open(alice);
    const sent = (await emitAck<Msg>(a, 'message.send', { conversationId, content: 'private', clientMessageId: cmid() })).data!;
    const f = await open(frank);
    for (const [event, payload] of [
      ['messages.sync', { conversationId, afterSeq: 0 }],
      ['conversation.read', { conversationId, seq: 1 }],
      ['conversation.delivered', { conversationId, seq: 1 }],
      ['typing', { conversationId, isTyping: true }],
      ['message.edit', { messageId: sent.id, content: 'x' }],
      ['message.delete', { messageId: sent.id }],
      ['reaction.add', { messageId: sent.id, emoji: '👍' }],
    ] as const) {
      const ack = await emitAck(f, event, payload);
      expect({ event, code: ack.error?.code }).toEqual({ event, code: 'NOT_FOUND' });
    }
  });
});

describe('messaging over Socket.IO: membership events, validation and races (e2e)', () => {
  let t: TestApp;
  let owner: RegisteredUser;
  let member: RegisteredUser;
  const sockets: Socket[] = [];
  const open = async (user: RegisteredUser): Promise<Socket> => {
    const s = await connect(t.url, { token: user.accessToken });
    sockets.push(s);
    return s;
  };
  let n = 0;
  const cmid = (): string => `r-${Date.now()}-${(n += 1)}`;

  beforeAll(async () => {
    t = await startApp();
    [owner, member] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await t.close();
  });

  const newGroup = async (...members: RegisteredUser[]): Promise<string> =>
    (await request(t.url).post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name: 'g', memberIds: members.map((m) => m.id) }).expect(201)).body
      .id as string;

  it('emits conversation.member_added and conversation.updated (each member’s own view) when members are added', async () => {
    const newcomer = await registerUser(t.url);
    const conversationId = await newGroup(member);
    const m = await open(member);
    await request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(owner.accessToken)).send({ content: 'unread for member', clientMessageId: cmid() }).expect(201);
    const added = nextEvent(m, 'conversation.member_added');
    const updated = nextEvent<{ id: string; unreadCount: number; members: { userId: string }[] }>(m, 'conversation.updated');
    await request(t.url).post(`/v1/conversations/${conversationId}/members`).set(...bearer(owner.accessToken)).send({ userIds: [newcomer.id] }).expect(200);
    expect(await added).toEqual({ conversationId, userId: newcomer.id });
    const view = await updated;
    expect(view.id).toBe(conversationId);
    expect(view.members.map((x) => x.userId)).toContain(newcomer.id);
    expect(view.unreadCount).toBe(1);
  });

  it('answers invalid payloads of every event with VALIDATION_FAILED naming the field, and a member’s forbidden delete with FORBIDDEN', async () => {
    const conversationId = await newGroup(member);
    const [o, m] = await Promise.all([open(owner), open(member)]);
    const sent = (await emitAck<Msg>(m, 'message.send', { conversationId, content: 'mine', clientMessageId: cmid() })).data!;
    const mine = (await emitAck<Msg>(o, 'message.send', { conversationId, content: 'owner’s', clientMessageId: cmid() })).data!;
    for (const [event, payload, field] of [
      ['message.delete', { messageId: 'nope' }, 'messageId'],
      ['reaction.add', { messageId: sent.id, emoji: 'ab' }, 'emoji'],
      ['reaction.remove', { messageId: sent.id }, 'emoji'],
      ['conversation.delivered', { conversationId, seq: -1 }, 'seq'],
      ['conversation.read', { conversationId, seq: 'x' }, 'seq'],
      ['message.edit', { messageId: sent.id, content: ' ' }, 'content'],
      ['message.send', { conversationId, content: 'x', clientMessageId: cmid(), extra: true }, 'extra'],
    ] as const) {
      const ack = await emitAck(m, event, payload);
      expect({ event, code: ack.error?.code, fields: ack.error?.details?.map((d) => d.field) }).toEqual({ event, code: 'VALIDATION_FAILED', fields: [field] });
    }
    expect((await emitAck(m, 'message.delete', { messageId: mine.id })).error?.code).toBe('FORBIDDEN');
    const outsider = await open(await registerUser(t.url));
    expect((await emitAck(outsider, 'reaction.remove', { messageId: sent.id, emoji: '👍' })).error?.code).toBe('NOT_FOUND');
  });

  /** Holds the conversation's row lock from outside the app, so the test decides who waits for whom. */
  async function holdConversationLock(conversationId: string): Promise<() => Promise<void>> {
    const c = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await c.connect();
    await c.query('BEGIN');
    await c.query('SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE', [conversationId]);
    return async () => {
      await c.query('COMMIT');
      await c.end();
    };
  }
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('refuses a send that waited behind the sender’s removal, and stores nothing', async () => {
    const victim = await registerUser(t.url);
    const conversationId = await newGroup(member, victim);
    const v = await open(victim);
    const got: Msg[] = [];
    v.on('message.created', (msg: Msg) => got.push(msg));
    const release = await holdConversationLock(conversationId);
    // The removal locks the victim's membership, then waits for the conversation.
    const removal = request(t.url).delete(`/v1/conversations/${conversationId}/members/${victim.id}`).set(...bearer(owner.accessToken)).then((r) => r);
    await pause(300);
    // The send waits for the victim's membership, which the removal holds.
    const send = emitAck<Msg>(v, 'message.send', { conversationId, content: 'too late', clientMessageId: cmid() });
    await pause(300);
    await release();
    expect((await removal).status).toBe(204);
    expect((await send).error?.code).toBe('NOT_FOUND');
    const history = await request(t.url).get(`/v1/conversations/${conversationId}/messages`).set(...bearer(owner.accessToken)).expect(200);
    expect(history.body.items).toEqual([]);
    await emitAck(v, 'me');
    expect(got).toEqual([]);
  });

  it('delivers a message to a member added while the send waited, since their history holds it', async () => {
    const late = await registerUser(t.url);
    const conversationId = await newGroup(member);
    const l = await open(late);
    const release = await holdConversationLock(conversationId);
    // The add queues for the conversation first, the send second.
    const add = request(t.url).post(`/v1/conversations/${conversationId}/members`).set(...bearer(owner.accessToken)).send({ userIds: [late.id] }).then((r) => r);
    await pause(300);
    const sent = request(t.url).post(`/v1/conversations/${conversationId}/messages`).set(...bearer(member.accessToken)).send({ content: 'hello late', clientMessageId: cmid() }).then((r) => r);
    await pause(300);
    const created = nextEvent<Msg>(l, 'message.created', 5000);
    await release();
    expect((await add).status).toBe(200);
    const msg = (await sent).body as Msg;
    expect(msg.seq).toBe(1);
    const history = await request(t.url).get(`/v1/conversations/${conversationId}/messages`).set(...bearer(late.accessToken)).expect(200);
    expect(history.body.items.map((x: Msg) => x.id)).toEqual([msg.id]);
    expect((await created).id).toBe(msg.id);
  });

  it('throttles repeated typing starts and stops typing by itself when the refreshes end', async () => {
    const conversationId = await newGroup(member);
    const [o, m] = await Promise.all([open(owner), open(member)]);
    const got: { isTyping: boolean; at: number }[] = [];
    m.on('typing', (e: { userId: string; isTyping: boolean }) => {
      if (e.userId === owner.id) got.push({ isTyping: e.isTyping, at: Date.now() });
    });
    const start = Date.now();
    for (let i = 0; i < 3; i += 1) expect((await emitAck(o, 'typing', { conversationId, isTyping: true })).ok).toBe(true);
    const stopped = nextEvent<{ isTyping: boolean }>(m, 'typing', 9000, (e) => !e.isTyping);
    expect((await stopped).isTyping).toBe(false);
    expect(got.map((g) => g.isTyping)).toEqual([true, false]);
    // The stop came from the server, a few seconds after the last refresh.
    expect(got[1].at - start).toBeGreaterThanOrEqual(5000);
  });
});
