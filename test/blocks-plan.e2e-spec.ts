import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { prepareDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { Db, Prepared, Row, Tx } from '../src/database/db';
import { ConversationsRepository } from '../src/modules/messaging/repositories/conversations.repository';
import { SEND_STATEMENT } from '../src/modules/messaging/repositories/messages.repository';
import { ADMIN_DATABASE_URL, databaseUrl, uniqueName } from './support/test-env';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every node of a plan whose work grows with the whole user_blocks table (a scan of it, or an aggregate over one). */
function wholeTableReads(node: PlanNode): string[] {
  const own = node['Relation Name'] === 'user_blocks' && node['Node Type'] === 'Seq Scan' ? [`${node['Node Type']} on user_blocks`] : [];
  return [...own, ...(node.Plans ?? []).flatMap(wholeTableReads)];
}

/**
 * Messaging checks blocks through identity's blocked_pairs view, in the send statement and in
 * blockedDirect (typing, edits, reactions, receipts). With many blocks in the system each check
 * must still read only the pair's index entries, never the whole table.
 */
describe('block checks with many blocks in the system', () => {
  const name = uniqueName('parley_test_blocks');
  const url = databaseUrl(name);
  let pg: Client;
  let conversationId: string;
  let sender: string;

  beforeAll(async () => {
    await prepareDatabase(loadConfig({ DATABASE_URL: url }));
    pg = new Client({ connectionString: url });
    await pg.connect();
    const ids = Array.from({ length: 600 }, () => randomUUID()).sort();
    await pg.query(
      `INSERT INTO users (id, username, email, display_name, password_hash)
       SELECT id, 'u' || substr(md5(id::text), 1, 20), substr(md5(id::text), 1, 20) || '@example.test', 'U', 'x' FROM unnest($1::uuid[]) AS id`,
      [ids],
    );
    // 600 × 100 = 60,000 blocks, none between the pair below.
    await pg.query(
      `INSERT INTO user_blocks (blocker_id, blocked_id)
       SELECT u.id, v.id FROM (SELECT id, row_number() OVER () AS n FROM unnest($1::uuid[]) id) u
         JOIN (SELECT id, row_number() OVER () AS n FROM unnest($1::uuid[]) id) v ON v.n > u.n + 1 AND v.n <= u.n + 101`,
      [ids],
    );
    [sender] = ids;
    conversationId = randomUUID();
    await pg.query(`INSERT INTO conversations (id, type, direct_user_low, direct_user_high, created_by) VALUES ($1, 'direct', $2, $3, $2)`, [conversationId, ids[0], ids[1]]);
    await pg.query(`INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`, [conversationId, ids[0], ids[1]]);
    await pg.query('ANALYZE');
  }, 60_000);

  afterAll(async () => {
    await pg.end();
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  async function plan(text: string, params: unknown[]): Promise<PlanNode> {
    await pg.query('BEGIN');
    try {
      const { rows } = await pg.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${text}`, params);
      return rows[0]['QUERY PLAN'][0].Plan;
    } finally {
      await pg.query('ROLLBACK');
    }
  }

  it('the send statement reads the pair through its index', async () => {
    const sendPlan = await plan(SEND_STATEMENT.text, [conversationId, sender, randomUUID(), randomUUID(), 'hi', null]);
    expect(wholeTableReads(sendPlan)).toEqual([]);
  });

  it("blockedDirect reads the pair through its index, and answers what the blocks say", async () => {
    // The repository's own statement, caught on its way to the database.
    const seen: { text: string; params: readonly unknown[] }[] = [];
    const spy = {
      one: (statement: string | Prepared, params: readonly unknown[] = []) => {
        seen.push({ text: typeof statement === 'string' ? statement : statement.text, params });
        return pg.query<Row>(typeof statement === 'string' ? statement : statement.text, [...params]).then((r) => r.rows[0]);
      },
    } as unknown as Db;
    const repository = new ConversationsRepository(spy);
    expect(await repository.blockedDirect(conversationId, undefined as Tx | undefined)).toBe(false);
    expect(wholeTableReads(await plan(seen[0].text, [...seen[0].params]))).toEqual([]);

    const [{ direct_user_low: low, direct_user_high: high }] = (await pg.query('SELECT direct_user_low, direct_user_high FROM conversations WHERE id = $1', [conversationId])).rows;
    await pg.query('INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2), ($2, $1)', [high, low]);
    expect(await repository.blockedDirect(conversationId)).toBe(true);
    await pg.query('DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2', [high, low]);
    expect(await repository.blockedDirect(conversationId)).toBe(true);
    await pg.query('DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2', [low, high]);
    expect(await repository.blockedDirect(conversationId)).toBe(false);
  });
});
