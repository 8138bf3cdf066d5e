import { Client } from 'pg';
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

  it('is written atomically with the message: when the outbox write fails, no message is stored and no seq is used', async () => {
    const [a, b] = await Promise.all([registerUser(t.url), registerUser(t.url)]);
    const conv = await request(t.url).post('/v1/conversations/direct').set(...bearer(a.accessToken)).send({ userId: b.id }).expect(201);
    const db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
    const fn = `fail_outbox_${conv.body.id.replace(/-/g, '')}`;
    try {
      // Fails the outbox insert for this conversation only, so parallel suites are unaffected.
      await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.payload->>'conversationId' = '${conv.body.id}' THEN RAISE EXCEPTION 'outbox unavailable'; END IF; RETURN NEW; END $$`);
      await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
      const failed = await request(t.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(a.accessToken)).send({ content: 'lost?', clientMessageId: 'atomic-1' });
      expect(failed.status).toBe(500);
      expect(failed.body.error.code).toBe('INTERNAL');
      const state = await db.query(`SELECT last_seq, (SELECT count(*) FROM messages WHERE conversation_id = $1) AS n FROM conversations WHERE id = $1`, [conv.body.id]);
      expect(state.rows[0]).toEqual({ last_seq: '0', n: '0' });
    } finally {
      await db.query(`DROP TRIGGER IF EXISTS ${fn} ON outbox`);
      await db.query(`DROP FUNCTION IF EXISTS ${fn}()`);
      await db.end();
    }
    // With the outbox back, the same send goes through as seq 1.
    const ok = await request(t.url).post(`/v1/conversations/${conv.body.id}/messages`).set(...bearer(a.accessToken)).send({ content: 'kept', clientMessageId: 'atomic-1' }).expect(201);
    expect(ok.body.seq).toBe(1);
  });
});
