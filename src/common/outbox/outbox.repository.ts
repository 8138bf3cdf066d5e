import { Global, Injectable, Module } from '@nestjs/common';
import { Db } from '../../database/db';

export interface OutboxRow<P = Record<string, unknown>> extends Record<string, unknown> {
  id: string;
  topic: string;
  payload: P;
  created_at: Date;
}

/**
 * For a statement that writes its outbox rows itself, in its own round trip (the send): a
 * data-modifying CTE body inserting one row of `topic` per row of `from`, with `payload` (an
 * SQL expression giving jsonb) as its payload.
 */
export function outboxInsertSql(topic: string, payload: string, from: string): string {
  if (!/^[a-z][a-z0-9_.-]*$/.test(topic)) throw new Error(`not an outbox topic: ${topic}`);
  return `INSERT INTO outbox (topic, payload) SELECT '${topic}', ${payload} FROM ${from}`;
}

/**
 * The transactional outbox: rows are written by command handlers in the same transaction
 * (or statement) as the change they describe, and consumed here at least once.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * Claims up to `limit` pending rows of a topic (skipping rows another consumer holds),
   * runs `handle` on them and marks them processed in the same transaction. If `handle`
   * throws, nothing is marked and the rows stay pending for the next attempt.
   */
  async consume<P>(topic: string, limit: number, handle: (rows: OutboxRow<P>[]) => Promise<void>): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows = await this.db.rows<OutboxRow<P>>(
        `SELECT id, topic, payload, created_at FROM outbox
          WHERE processed_at IS NULL AND topic = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [topic, limit],
        tx,
      );
      if (rows.length === 0) return 0;
      await handle(rows);
      await this.db.rows(`UPDATE outbox SET processed_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)], tx);
      return rows.length;
    });
  }

  async pendingCount(topic: string): Promise<number> {
    const row = await this.db.one<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL AND topic = $1`, [topic]);
    return Number(row?.n ?? 0);
  }
}

@Global()
@Module({ providers: [OutboxRepository], exports: [OutboxRepository] })
export class OutboxModule {}
