import { Injectable } from '@nestjs/common';
import { microsKey, microsParam } from '../../../common/pagination/cursor';
import { Db, Tx } from '../../../database/db';

export interface BlockRow {
  blocked_id: string;
  created_at: Date;
  created_at_key: string;
  username: string;
  display_name: string;
  user_created_at: Date;
}

/**
 * For statements of other modules that must check a block within their own round trip (the
 * send): an SQL condition, true when either of two users blocked the other. `low` and `high`
 * are SQL expressions for the two user ids, sorted (as direct conversations store them). It
 * reads the `blocked_pairs` view, identity's published form of its blocks, through the
 * pair's index; never `user_blocks` itself.
 */
export function blockedPairSql(low: string, high: string): string {
  return `EXISTS (SELECT 1 FROM blocked_pairs b WHERE b.user_low = ${low} AND b.user_high = ${high})`;
}

/** All SQL of `user_blocks`. */
@Injectable()
export class BlocksRepository {
  constructor(private readonly db: Db) {}

  /** True when the block is new. */
  async insert(blockerId: string, blockedId: string, tx?: Tx): Promise<boolean> {
    return (await this.db.rows(`INSERT INTO user_blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING blocked_id`, [blockerId, blockedId], tx)).length > 0;
  }

  /** True when there was one. */
  async delete(blockerId: string, blockedId: string): Promise<boolean> {
    return (await this.db.rows(`DELETE FROM user_blocks WHERE blocker_id = $1 AND blocked_id = $2 RETURNING blocked_id`, [blockerId, blockedId])).length > 0;
  }

  /** The caller's blocks, newest first, keyset-paged on (created_at, blocked_id), users joined in one query. */
  page(blockerId: string, after: { t: string; id: string } | null, limit: number): Promise<BlockRow[]> {
    return this.db.rows<BlockRow>(
      `SELECT b.blocked_id, b.created_at, ${microsKey('b.created_at')} AS created_at_key, u.username, u.display_name, u.created_at AS user_created_at
         FROM user_blocks b JOIN users u ON u.id = b.blocked_id
        WHERE b.blocker_id = $1 AND ($3::text IS NULL OR (b.created_at, b.blocked_id) < (${microsParam('$3')}, $4::uuid))
        ORDER BY b.created_at DESC, b.blocked_id DESC
        LIMIT $2`,
      [blockerId, limit, after?.t ?? null, after?.id ?? null],
    );
  }

  /** Users among `others` who blocked `userId` or whom `userId` blocked. */
  async blockedBetween(userId: string, others: readonly string[], tx?: Tx): Promise<string[]> {
    if (others.length === 0) return [];
    const rows = await this.db.rows<{ other: string }>(
      `SELECT CASE WHEN blocker_id = $1 THEN blocked_id ELSE blocker_id END AS other FROM user_blocks
        WHERE (blocker_id = $1 AND blocked_id = ANY($2::uuid[])) OR (blocked_id = $1 AND blocker_id = ANY($2::uuid[]))`,
      [userId, others],
      tx,
    );
    return rows.map((r) => r.other);
  }
}
