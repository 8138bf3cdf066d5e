import { Injectable } from '@nestjs/common';
import { microsKey, microsParam } from '../../../common/pagination/cursor';
import { Db, Tx } from '../../../database/db';
import { blockedPairSql } from '../../identity';
import { MessageRow } from '../domain/views';
import { MESSAGE_COLUMNS } from './messages.repository';

/** A conversation as one viewer sees it: their mute and unread count, and the last message of their history. */
export interface ConversationViewRow {
  id: string;
  type: 'direct' | 'group';
  name: string | null;
  created_at: Date;
  last_seq: string;
  last_message_at: Date | null;
  muted_until: Date | null;
  unread_count: string;
  last_message: MessageRow | null;
}

/** All SQL of the `conversations` table. */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly db: Db) {}

  /**
   * The one lock order of every write to a conversation: its row first (FOR NO KEY UPDATE:
   * sends, membership and role changes, edits, deletes and reactions of one conversation
   * queue here), then memberships, then messages. Reads made after it, in later statements,
   * see every change committed before (lock, then read). False when it does not exist.
   */
  async lock(conversationId: string, tx: Tx): Promise<boolean> {
    return (await this.db.rows(`SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE`, [conversationId], tx)).length > 0;
  }

  async insertGroup(id: string, name: string, createdBy: string, tx: Tx): Promise<void> {
    await this.db.rows(`INSERT INTO conversations (id, type, name, created_by) VALUES ($1, 'group', $2, $3)`, [id, name, createdBy], tx);
  }

  /** The pair stored sorted under a unique index: the id of the new conversation, or null when it existed. */
  async insertDirect(id: string, low: string, high: string, createdBy: string, tx: Tx): Promise<string | null> {
    const row = await this.db.one<{ id: string }>(
      `INSERT INTO conversations (id, type, direct_user_low, direct_user_high, created_by) VALUES ($1, 'direct', $2, $3, $4)
       ON CONFLICT (direct_user_low, direct_user_high) WHERE type = 'direct' DO NOTHING RETURNING id`,
      [id, low, high, createdBy],
      tx,
    );
    return row?.id ?? null;
  }

  async findDirect(low: string, high: string, tx?: Tx): Promise<string | null> {
    return (await this.db.one<{ id: string }>(`SELECT id FROM conversations WHERE type = 'direct' AND direct_user_low = $1 AND direct_user_high = $2`, [low, high], tx))?.id ?? null;
  }

  async rename(conversationId: string, name: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE conversations SET name = $2, changed_at = now() WHERE id = $1`, [conversationId, name], tx);
  }

  /** Something a client fetches changed (an edit, a reaction, a delete): sync-state lists it. */
  async touchChanged(conversationId: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [conversationId], tx);
  }

  /** Membership changed: the conversation moves up the list, and sync-state lists it. */
  async touchActivity(conversationId: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE conversations SET last_activity_at = now(), changed_at = now() WHERE id = $1`, [conversationId], tx);
  }

  async delete(conversationId: string, tx: Tx): Promise<void> {
    await this.db.rows(`DELETE FROM conversations WHERE id = $1`, [conversationId], tx);
  }

  /** Whether it is a direct conversation between two people of whom one blocked the other (identity's blockedPairSql). */
  async blockedDirect(conversationId: string, tx?: Tx): Promise<boolean> {
    // The check in the select list, evaluated for the one row: it reaches the pair's index.
    const row = await this.db.one<{ blocked: boolean }>(
      `SELECT ${blockedPairSql('c.direct_user_low', 'c.direct_user_high')} AS blocked FROM conversations c WHERE c.id = $1 AND c.type = 'direct'`,
      [conversationId],
      tx,
    );
    return row?.blocked ?? false;
  }

  /** The user's conversations, newest activity first, keyset-paged on (last_activity_at, id). */
  page(userId: string, after: { t: string; id: string } | null, limit: number): Promise<{ id: string; activity_key: string }[]> {
    return this.db.rows(
      `SELECT c.id, ${microsKey('c.last_activity_at')} AS activity_key
         FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
        WHERE me.user_id = $1 AND ($3::text IS NULL OR (c.last_activity_at, c.id) < (${microsParam('$3')}, $4::uuid))
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $2`,
      [userId, limit, after?.t ?? null, after?.id ?? null],
    );
  }

  /** The viewer's conversations among `ids` (others are left out), in one query. */
  viewRows(ids: readonly string[], viewerId: string): Promise<ConversationViewRow[]> {
    return this.db.rows(
      `SELECT c.id, c.type, c.name, c.created_at, c.last_seq, c.last_message_at, me.muted_until,
              (SELECT count(*) FROM messages u
                WHERE u.conversation_id = c.id AND u.seq > me.last_read_seq
                  AND u.sender_id <> me.user_id AND u.deleted_at IS NULL) AS unread_count,
              (SELECT row_to_json(lm) FROM (
                 SELECT ${MESSAGE_COLUMNS} FROM messages m
                  WHERE m.conversation_id = c.id AND m.seq > me.joined_seq
                  ORDER BY m.seq DESC LIMIT 1) lm) AS last_message
         FROM conversations c
         JOIN conversation_members me ON me.conversation_id = c.id AND me.user_id = $2
        WHERE c.id = ANY($1::uuid[])`,
      [ids, viewerId],
    );
  }

  /** Partners of the user's direct conversations. */
  async directPartners(userId: string): Promise<string[]> {
    const rows = await this.db.rows<{ partner: string }>(
      `SELECT CASE WHEN direct_user_low = $1 THEN direct_user_high ELSE direct_user_low END AS partner
         FROM conversations WHERE type = 'direct' AND (direct_user_low = $1 OR direct_user_high = $1)`,
      [userId],
    );
    return rows.map((r) => r.partner);
  }

  /** Of `others`, those who share a direct conversation with `userId`. */
  async directPartnersAmong(userId: string, others: readonly string[], tx?: Tx): Promise<string[]> {
    if (others.length === 0) return [];
    const rows = await this.db.rows<{ partner: string }>(
      `SELECT CASE WHEN direct_user_low = $1 THEN direct_user_high ELSE direct_user_low END AS partner
         FROM conversations
        WHERE type = 'direct' AND ((direct_user_low = $1 AND direct_user_high = ANY($2::uuid[])) OR (direct_user_high = $1 AND direct_user_low = ANY($2::uuid[])))`,
      [userId, others],
      tx,
    );
    return rows.map((r) => r.partner);
  }
}
