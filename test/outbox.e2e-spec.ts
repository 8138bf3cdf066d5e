import request from 'supertest';
import { OutboxRepository, OutboxRow } from '../src/common/outbox/outbox.repository';
import { bearer, registerUser } from './support/factories';
import { startApp, TestApp } from './support/app';

interface SentPayload {
  messageId: string;
  conversationId: string;
  seq: number;
  senderId: string;
}

describe('outbox (e2e)', () => {
  let t: TestApp;
  let outbox: OutboxRepository;
  beforeAll(async () => {
    t = await startApp();
    outbox = t.app.get(OutboxRepository);
  });
  afterAll(async () => {
    await t.close();
  });

  it('holds one message.sent row per stored message, consumed once, and kept pending when the consumer fails', async () => {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const conv = await request(t.url).post('/v1/conversations/direct').set(...bearer(a.accessToken)).send({ userId: b.id }).expect(201);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await request(t.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(a.accessToken)).send({ content: `m${i}`, clientMessageId: `ob-${i}` });
      ids.push(res.body.id);
    }
    // A retry stores nothing and so writes no outbox row.
    await request(t.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(a.accessToken)).send({ content: 'again', clientMessageId: 'ob-0' }).expect(200);

    const mine = (rows: OutboxRow<SentPayload>[]) => rows.filter((r) => r.payload.conversationId === conv.body.id);

    // A failing consumer marks nothing.
    await expect(
      outbox.consume<SentPayload>('message.sent', 1000, () => Promise.reject(new Error('mail server down'))),
    ).rejects.toThrow('mail server down');

    // Two consumers at once never get the same row (SKIP LOCKED), and together get every row once.
    const seen: OutboxRow<SentPayload>[][] = [[], []];
    await Promise.all(
      [0, 1].map(async (i) => {
        while ((await outbox.consume<SentPayload>('message.sent', 1, (rows) => {
          seen[i].push(...rows);
          return Promise.resolve();
        })) > 0) {
          /* drain */
        }
      }),
    );
    const all = [...seen[0], ...seen[1]];
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(mine(all).map((r) => r.payload.messageId).sort()).toEqual([...ids].sort());
    expect(mine(all).map((r) => r.payload.seq).sort()).toEqual([1, 2, 3]);
    // Processed rows are never handed out again (other suites may add rows of their own meanwhile).
    const again: OutboxRow<SentPayload>[] = [];
    await outbox.consume<SentPayload>('message.sent', 1000, (rows) => {
      again.push(...rows);
      return Promise.resolve();
    });
    expect(mine(again)).toEqual([]);
  });
});
