import { Injectable } from '@nestjs/common';
import { Db, prepared, Tx } from '../../../database/db';
import { MemberRole } from '../domain/views';

/** A membership with what checks on it need of its conversation. */
export interface MembershipRow {
  conversation_id: string;
  user_id: string;
  role: MemberRole;
  joined_seq: string;
  last_read_seq: string;
  last_delivered_seq: string;
  type: 'direct' | 'group';
  last_seq: string;
}

/** Run after every send: prepared like the send itself. */
const MEMBERS_WHO_SEE = prepared('parley_members_who_see', `SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND joined_seq < $2`);

export type Pointer = 'read' | 'delivered';

const MOVE_SQL: Record<Pointer, string> = {
  // Reading implies delivery.
  read: `UPDATE conversation_members SET last_read_seq = $3, last_delivered_seq = GREATEST(last_delivered_seq, $3)
          WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3 RETURNING last_read_seq AS seq`,
  delivered: `UPDATE conversation_members SET last_delivered_seq = $3
          WHERE conversation_id = $1 AND user_id = $2 AND last_delivered_seq < $3 RETURNING last_delivered_seq AS seq`,
};
const POINTER_COLUMN: Record<Pointer, string> = { read: 'last_read_seq', delivered: 'last_delivered_seq' };

/** All SQL of the `conversation_members` table. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly db: Db) {}

  find(conversationId: string, userId: string, tx?: Tx): Promise<MembershipRow | undefined> {
    return this.db.one<MembershipRow>(
      `SELECT me.conversation_id, me.user_id, me.role, me.joined_seq, me.last_read_seq, me.last_delivered_seq, c.type, c.last_seq
         FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
        WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [conversationId, userId],
      tx,
    );
  }

  async memberIds(conversationId: string, tx?: Tx): Promise<string[]> {
    return (await this.db.rows<{ user_id: string }>(`SELECT user_id FROM conversation_members WHERE conversation_id = $1`, [conversationId], tx)).map((r) => r.user_id);
  }

  /** The members whose history holds message `seq` (they joined before it). */
  async memberIdsWhoSee(conversationId: string, seq: number | string, tx?: Tx): Promise<string[]> {
    const rows = await this.db.rows<{ user_id: string }>(MEMBERS_WHO_SEE, [conversationId, seq], tx);
    return rows.map((r) => r.user_id);
  }

  /** Members with their roles, oldest first (the order of hand-overs and of the Conversation's list). */
  listByJoin(conversationId: string, tx?: Tx): Promise<{ user_id: string; role: MemberRole }[]> {
    return this.db.rows(`SELECT user_id, role FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`, [conversationId], tx);
  }

  /** The founding members of a group, the owner first, in the order given. */
  async insertFounders(conversationId: string, ownerId: string, memberIds: readonly string[], tx: Tx): Promise<void> {
    await this.db.rows(
      `INSERT INTO conversation_members (conversation_id, user_id, role)
       SELECT $1, u, CASE WHEN u = $2 THEN 'owner' ELSE 'member' END FROM unnest($3::uuid[]) WITH ORDINALITY AS t(u, n) ORDER BY n`,
      [conversationId, ownerId, memberIds],
      tx,
    );
  }

  async insertPair(conversationId: string, a: string, b: string, tx: Tx): Promise<void> {
    await this.db.rows(`INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`, [conversationId, a, b], tx);
  }

  /** Newcomers join at the current seq: history from there on, nothing unread. */
  async insertNewcomers(conversationId: string, userIds: readonly string[], tx: Tx): Promise<void> {
    await this.db.rows(
      `INSERT INTO conversation_members (conversation_id, user_id, role, joined_seq, last_read_seq, last_delivered_seq)
       SELECT $1, u, 'member', c.last_seq, c.last_seq, c.last_seq FROM conversations c, unnest($2::uuid[]) AS u WHERE c.id = $1`,
      [conversationId, userIds],
      tx,
    );
  }

  /** True when the member exists. */
  async setRole(conversationId: string, userId: string, role: MemberRole, tx: Tx): Promise<boolean> {
    return (await this.db.rows(`UPDATE conversation_members SET role = $3 WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id`, [conversationId, userId, role], tx)).length > 0;
  }

  async countOwners(conversationId: string, tx: Tx): Promise<number> {
    return Number((await this.db.one<{ n: string }>(`SELECT count(*) AS n FROM conversation_members WHERE conversation_id = $1 AND role = 'owner'`, [conversationId], tx))?.n ?? 0);
  }

  async delete(conversationId: string, userId: string, tx: Tx): Promise<void> {
    await this.db.rows(`DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId], tx);
  }

  /** Moves a pointer forward in one statement: whether it moved, and where it is now. */
  async movePointer(kind: Pointer, conversationId: string, userId: string, seq: number): Promise<{ moved: boolean; seq: number } | undefined> {
    const row = await this.db.one<{ moved: boolean; seq: string }>(
      `WITH upd AS (${MOVE_SQL[kind]})
       SELECT EXISTS (SELECT 1 FROM upd) AS moved, coalesce((SELECT seq FROM upd), me.${POINTER_COLUMN[kind]}) AS seq
         FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [conversationId, userId, seq],
    );
    return row ? { moved: row.moved, seq: Number(row.seq) } : undefined;
  }

  async mute(conversationId: string, userId: string, until: Date | null): Promise<void> {
    await this.db.rows(`UPDATE conversation_members SET muted_until = $3 WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId, until]);
  }

  receipts(conversationId: string): Promise<{ user_id: string; last_read_seq: string; last_delivered_seq: string }[]> {
    return this.db.rows(`SELECT user_id, last_read_seq, last_delivered_seq FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`, [conversationId]);
  }

  /** Members of several conversations with roles and read pointers, oldest first (for Conversation views). */
  ofConversations(ids: readonly string[]): Promise<{ conversation_id: string; user_id: string; role: MemberRole; last_read_seq: string }[]> {
    return this.db.rows(`SELECT conversation_id, user_id, role, last_read_seq FROM conversation_members WHERE conversation_id = ANY($1::uuid[]) ORDER BY joined_at, user_id`, [ids]);
  }

  /** Per-member unread count, mute and join point for many members of one conversation, in one query. */
  states(conversationId: string, userIds: readonly string[]): Promise<{ user_id: string; unread: string; muted_until: Date | null; joined_seq: string }[]> {
    return this.db.rows(
      `SELECT me.user_id, me.muted_until, me.joined_seq,
              (SELECT count(*) FROM messages u WHERE u.conversation_id = me.conversation_id AND u.seq > me.last_read_seq
                 AND u.sender_id <> me.user_id AND u.deleted_at IS NULL) AS unread
         FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = ANY($2::uuid[])`,
      [conversationId, userIds],
    );
  }

  async unreadCount(conversationId: string, userId: string): Promise<number> {
    const row = await this.db.one<{ n: string }>(
      `SELECT count(*) AS n FROM messages u JOIN conversation_members me ON me.conversation_id = u.conversation_id AND me.user_id = $2
        WHERE u.conversation_id = $1 AND u.seq > me.last_read_seq AND u.sender_id <> $2 AND u.deleted_at IS NULL`,
      [conversationId, userId],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * What a (re)connecting client must fetch: conversations with messages beyond the user's
   * delivery pointer, plus (with `since`) any changed after it; `as_of` is the server's time
   * less `marginSeconds`. One indexed query over the memberships.
   */
  syncState(userId: string, since: Date | null, marginSeconds: number): Promise<{ id: string | null; last_seq: string; last_delivered_seq: string; last_read_seq: string; as_of: Date }[]> {
    return this.db.rows(
      `SELECT s.id, s.last_seq, s.last_delivered_seq, s.last_read_seq, now() - make_interval(secs => $3) AS as_of
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT c.id, c.last_seq, me.last_delivered_seq, me.last_read_seq, c.last_activity_at
             FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
            WHERE me.user_id = $1 AND (c.last_seq > me.last_delivered_seq OR ($2::timestamptz IS NOT NULL AND c.changed_at > $2::timestamptz))
         ) s ON true
        ORDER BY s.last_activity_at DESC NULLS LAST`,
      [userId, since, marginSeconds],
    );
  }
}
