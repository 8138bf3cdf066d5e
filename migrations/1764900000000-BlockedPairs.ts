import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `blocked_pairs`: identity's published form of its blocks, a row per block with its pair of
 * users sorted as direct conversations store theirs (two rows when both blocked each other:
 * no DISTINCT, so that a join or an EXISTS on the pair reaches the index instead of reading
 * every block). A statement of
 * another module that must check a block within one round trip (the send) reads this view,
 * never `user_blocks` itself; the expression index serves its lookups.
 */
export class BlockedPairs1764900000000 implements MigrationInterface {
  name = 'BlockedPairs1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX user_blocks_pair_idx ON user_blocks (LEAST(blocker_id, blocked_id), GREATEST(blocker_id, blocked_id))`);
    await q.query(`
      CREATE VIEW blocked_pairs AS
        SELECT LEAST(blocker_id, blocked_id) AS user_low, GREATEST(blocker_id, blocked_id) AS user_high FROM user_blocks`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW blocked_pairs`);
    await q.query(`DROP INDEX user_blocks_pair_idx`);
  }
}
