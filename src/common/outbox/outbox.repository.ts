import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OutboxRow<P = Record<string, unknown>> {
  id: string;
  topic: string;
  payload: P;
  created_at: Date;
}

/**
 * The transactional outbox: rows are written by command handlers in the same transaction
 * (or statement) as the change they describe, and consumed here at least once.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` pending rows of a topic (skipping rows another consumer holds),
   * runs `handle` on them and marks them processed in the same transaction. If `handle`
   * throws, nothing is marked and the rows stay pending for the next attempt.
   */
  async consume<P>(topic: string, limit: number, handle: (rows: OutboxRow<P>[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow<P>[] = await manager.query(
        `SELECT id, topic, payload, created_at FROM outbox
          WHERE processed_at IS NULL AND topic = $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [topic, limit],
      );
      if (rows.length === 0) return 0;
      await handle(rows);
      await manager.query(`UPDATE outbox SET processed_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  async pendingCount(topic: string): Promise<number> {
    const rows: { n: string }[] = await this.dataSource.query(`SELECT count(*) AS n FROM outbox WHERE processed_at IS NULL AND topic = $1`, [topic]);
    return Number(rows[0]?.n ?? 0);
  }
}

@Global()
@Module({ providers: [OutboxRepository], exports: [OutboxRepository] })
export class OutboxModule {}
