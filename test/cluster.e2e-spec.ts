import request from 'supertest';
import { Socket } from 'socket.io-client';
import { bearer, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, emitAck, nextEvent } from './support/socket';
import { uniqueName } from './support/test-env';

interface Msg {
  id: string;
  seq: number;
  content: string;
}

/** Two API nodes sharing PostgreSQL and Redis (one Redis namespace), as behind a load balancer. */
describe('several API nodes (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  const sockets: Socket[] = [];
  const open = async (node: TestApp, user: RegisteredUser, token = user.accessToken): Promise<Socket> => {
    const s = await connect(node.url, { token });
    sockets.push(s);
    return s;
  };
  let n = 0;
  const cmid = () => `cl-${Date.now()}-${(n += 1)}`;

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: `${process.env.PARLEY_TEST_REDIS_PREFIX ?? ''}${uniqueName('cluster')}:` };
    [a, b] = await Promise.all([startApp(env), startApp(env)]);
    [alice, bob] = await Promise.all([registerUser(a.url), registerUser(b.url)]);
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()?.close();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('delivers what is sent on one node to every device of every member on the other', async () => {
    const conv = await request(a.url).post('/v1/conversations/direct').set(...bearer(alice.accessToken)).send({ userId: bob.id }).expect(201);
    const [bobOnB, aliceOnB, aliceOnA] = await Promise.all([open(b, bob), open(b, alice), open(a, alice)]);
    const got = Promise.all([bobOnB, aliceOnB].map((s) => nextEvent<Msg>(s, 'message.created')));
    const ack = await emitAck<Msg>(aliceOnA, 'message.send', { conversationId: conv.body.id, content: 'across nodes', clientMessageId: cmid() });
    expect(ack.ok).toBe(true);
    for (const m of await got) expect(m).toEqual(ack.data);

    const back = nextEvent<Msg>(aliceOnA, 'message.created', 3000, (m) => m.content === 'and back');
    await request(b.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(bob.accessToken)).send({ content: 'and back', clientMessageId: cmid() }).expect(201);
    expect((await back).content).toBe('and back');
  });

  it('cuts a removed member off on every node at once', async () => {
    const carol = await registerUser(a.url);
    const group = await request(a.url).post('/v1/conversations').set(...bearer(alice.accessToken)).send({ name: 'cluster', memberIds: [bob.id, carol.id] }).expect(201);
    const carolOnB = await open(b, carol);
    const events: string[] = [];
    for (const e of ['message.created', 'typing', 'conversation.updated']) carolOnB.on(e, () => events.push(e));
    const removed = nextEvent(carolOnB, 'conversation.member_removed');
    await request(a.url).delete(`/v1/conversations/${group.body.id}/members/${carol.id}`).set(...bearer(alice.accessToken)).expect(204);
    expect(await removed).toEqual({ conversationId: group.body.id, userId: carol.id });

    const bobOnB = await open(b, bob);
    // Bob, still a member on the same node, gets each of these; only then is Carol's silence telling.
    const bobGot = Promise.all([
      nextEvent<Msg>(bobOnB, 'message.created'),
      nextEvent(bobOnB, 'typing'),
      nextEvent<{ name: string }>(bobOnB, 'conversation.updated', 3000, (c) => c.name === 'cluster renamed'),
    ]);
    const aliceOnA = await open(a, alice);
    await emitAck(aliceOnA, 'message.send', { conversationId: group.body.id, content: 'after carol left', clientMessageId: cmid() });
    await emitAck(aliceOnA, 'typing', { conversationId: group.body.id, isTyping: true });
    await request(a.url).patch(`/v1/conversations/${group.body.id}`).set(...bearer(alice.accessToken)).send({ name: 'cluster renamed' }).expect(200);
    const [message] = await bobGot;
    expect(message.content).toBe('after carol left');
    await emitAck(carolOnB, 'me');
    expect(events).toEqual([]);
  });

  it('disconnects a logged-out session’s sockets on the other node', async () => {
    const dave = await registerUser(a.url);
    const onB = await open(b, dave);
    const gone = new Promise<string>((resolve) => onB.once('disconnect', resolve));
    await request(a.url).post('/v1/auth/logout').set(...bearer(dave.accessToken)).send({ refreshToken: dave.refreshToken }).expect(204);
    expect(await gone).toBe('io server disconnect');
  });
});
