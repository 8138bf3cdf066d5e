import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { bearer, expectError, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';

interface SyncState {
  conversationId: string;
  lastSeq: number;
  lastDeliveredSeq: number;
  lastReadSeq: number;
}

/** Connects and resolves with the sync.required payload, listening before the handshake completes. */
function connectForSync(url: string, auth: Record<string, string>): Promise<{ socket: Socket; sync: { conversations: SyncState[]; asOf: string } }> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth });
  return new Promise((resolve, reject) => {
    socket.once('sync.required', (sync: { conversations: SyncState[]; asOf: string }) => resolve({ socket, sync }));
    socket.once('connect_error', reject);
  });
}

describe('reconnect hints (e2e)', () => {
  let t: TestApp;
  let me: RegisteredUser;
  let friend: RegisteredUser;
  beforeAll(async () => {
    t = await startApp();
    [me, friend] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
  });
  afterAll(async () => {
    await t.close();
  });

  const send = (user: RegisteredUser, conversationId: string, content: string) =>
    request(t.url)
      .post(`/v1/conversations/${conversationId}/messages`)
      .set(...bearer(user.accessToken))
      .send({ content, clientMessageId: `${content}-${Date.now()}` })
      .expect(201);

  it('names, on connect and over REST, exactly the conversations with messages beyond the delivery pointer; `since` adds recent activity', async () => {
    const quiet = (await request(t.url).post('/v1/conversations/direct').set(...bearer(me.accessToken)).send({ userId: friend.id }).expect(201)).body.id as string;
    const busy = (await request(t.url).post('/v1/conversations').set(...bearer(friend.accessToken)).send({ name: 'busy', memberIds: [me.id] }).expect(201)).body.id as string;
    await send(friend, quiet, 'seen');
    await request(t.url).post(`/v1/conversations/${quiet}/delivered`).set(...bearer(me.accessToken)).send({ seq: 1 }).expect(200);
    const before = new Date().toISOString();
    await send(friend, busy, 'missed-1');
    await send(friend, busy, 'missed-2');

    const { socket, sync } = await connectForSync(t.url, { token: me.accessToken });
    socket.close();
    expect(sync.conversations).toEqual([{ conversationId: busy, lastSeq: 2, lastDeliveredSeq: 0, lastReadSeq: 0 }]);
    const rest = await request(t.url).get('/v1/conversations/sync-state').set(...bearer(me.accessToken)).expect(200);
    expect(rest.body).toEqual(sync.conversations);

    // An edit in the quiet conversation after `since` makes it worth a look too.
    const seenMsg = (await request(t.url).get(`/v1/conversations/${quiet}/messages`).set(...bearer(me.accessToken)).expect(200)).body.items[0];
    await request(t.url).patch(`/v1/messages/${seenMsg.id}`).set(...bearer(friend.accessToken)).send({ content: 'seen, edited' }).expect(200);
    await request(t.url).post(`/v1/conversations/${busy}/delivered`).set(...bearer(me.accessToken)).send({ seq: 2 }).expect(200);
    const withSince = await request(t.url).get('/v1/conversations/sync-state').query({ since: before }).set(...bearer(me.accessToken)).expect(200);
    expect(withSince.body.map((s: SyncState) => s.conversationId).sort()).toEqual([busy, quiet].sort());
    // A reaction counts as a change too.
    const afterEdit = new Date().toISOString();
    await request(t.url).put(`/v1/messages/${seenMsg.id}/reactions/${encodeURIComponent('👍')}`).set(...bearer(me.accessToken)).expect(204);
    const afterReaction = await request(t.url).get('/v1/conversations/sync-state').query({ since: afterEdit }).set(...bearer(me.accessToken)).expect(200);
    expect(afterReaction.body.map((x: SyncState) => x.conversationId)).toEqual([quiet]);
    const nothing = await connectForSync(t.url, { token: me.accessToken });
    nothing.socket.close();
    expect(nothing.sync.conversations).toEqual([]);
  });

  it('tells a device what another device of the same user already confirmed, through `since` = the previous hint\'s asOf', async () => {
    const phoneUser = await registerUser(t.url);
    const conv = (await request(t.url).post('/v1/conversations/direct').set(...bearer(friend.accessToken)).send({ userId: phoneUser.id }).expect(201)).body.id as string;
    // The laptop connects, learns nothing is pending, and goes away with the hint's asOf.
    const laptop = await connectForSync(t.url, { token: phoneUser.accessToken });
    laptop.socket.close();
    expect(laptop.sync.conversations).toEqual([]);
    expect(Date.parse(laptop.sync.asOf)).toBeLessThanOrEqual(Date.now());
    // Meanwhile a message arrives and the phone confirms it: the user's delivery pointer is past it.
    await send(friend, conv, 'seen-on-phone');
    await request(t.url).post(`/v1/conversations/${conv}/delivered`).set(...bearer(phoneUser.accessToken)).send({ seq: 1 }).expect(200);
    const without = await connectForSync(t.url, { token: phoneUser.accessToken });
    without.socket.close();
    expect(without.sync.conversations).toEqual([]);
    const withAsOf = await connectForSync(t.url, { token: phoneUser.accessToken, since: laptop.sync.asOf });
    withAsOf.socket.close();
    expect(withAsOf.sync.conversations).toEqual([{ conversationId: conv, lastSeq: 1, lastDeliveredSeq: 1, lastReadSeq: 0 }]);
    // REST gives the same list and the asOf in a header.
    const rest = await request(t.url).get('/v1/conversations/sync-state').query({ since: laptop.sync.asOf }).set(...bearer(phoneUser.accessToken)).expect(200);
    expect(rest.body).toEqual(withAsOf.sync.conversations);
    expect(Date.parse(rest.headers['x-sync-as-of'])).toBeGreaterThan(Date.parse(laptop.sync.asOf));
  });

  it('validates `since` and needs a token', async () => {
    expectError(await request(t.url).get('/v1/conversations/sync-state?since=yesterday').set(...bearer(me.accessToken)), 400, 'VALIDATION_FAILED');
    expectError(await request(t.url).get('/v1/conversations/sync-state'), 401, 'UNAUTHENTICATED');
  });
});
