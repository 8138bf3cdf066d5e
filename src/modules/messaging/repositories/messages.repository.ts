import { Injectable } from '@nestjs/common';
import { outboxInsertSql } from '../../../common/outbox/outbox.repository';
import { Db, prepared, Tx } from '../../../database/db';
import { blockedPairSql } from '../../identity';
import { MemberRole, MessageRow } from '../domain/views';

/** The columns of a MessageRow, for `messages m`: written once, used by every statement that reads messages. */
export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.seq, m.sender_id, m.client_message_id, m.content, m.reply_to_id,
  m.version, m.created_at, m.edited_at, m.deleted_at`;

/** The outbox topic of a sent message: { messageId, conversationId, seq, senderId }. */
export const MESSAGE_SENT_TOPIC = 'message.sent';

/** The outcome of the send statement: which check failed, or the message it inserted. */
export interface SendOutcome {
  conv_type: 'direct' | 'group' | null;
  is_member: boolean;
  blocked: boolean;
  reply_ok: boolean;
  inserted: MessageRow | null;
  existing: MessageRow | null;
  /** Members whose history holds the new message, as of the statement's snapshot. */
  snapshot_recipients: string[] | null;
}

export interface SendInput {
  id: string;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  content: string | null;
  replyToId: string | null;
}

/** A message with the viewer's membership of its conversation (role and join point null when not a member). */
export type MessageWithMembership = MessageRow & { role: MemberRole | null; joined_seq: string | null; type: 'direct' | 'group' };

/**
 * The send is one statement: lock the conversation (the one lock order of every write:
 * conversation, then memberships, then messages), then the sender's membership (locked after
 * the conversation, so a removal that committed while we waited is seen and the send is
 * refused), check blocks (identity's blockedPairSql) and the reply target, look for an
 * earlier send with the same clientMessageId, bump the conversation's seq, insert the message
 * with it, move the sender's pointers and write the outbox row. The row lock on the
 * conversation serialises seqs: gapless, in commit order. A concurrent identical retry loses
 * on the unique index, the whole statement (seq bump included) rolls back, and the caller
 * returns the original.
 */
export const SEND_STATEMENT = prepared(
  'parley_send_message',
  `
WITH locked AS (
  SELECT c.id, c.type, c.direct_user_low, c.direct_user_high FROM conversations c WHERE c.id = $1 FOR NO KEY UPDATE
), mem AS (
  -- Joined to the locked row, so this lock is taken only once the conversation's is held.
  SELECT m.user_id FROM conversation_members m JOIN locked ON m.conversation_id = locked.id WHERE m.user_id = $2 FOR KEY SHARE OF m
), conv AS (
  SELECT l.id, l.type, EXISTS (SELECT 1 FROM mem) AS is_member,
         (l.type = 'direct' AND ${blockedPairSql('l.direct_user_low', 'l.direct_user_high')}) AS blocked
    FROM locked l
), existing AS (
  SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.sender_id = $2 AND m.client_message_id = $4
), reply AS (
  SELECT 1 FROM messages r
    JOIN conversation_members rm ON rm.conversation_id = r.conversation_id AND rm.user_id = $2
   WHERE r.id = $6::uuid AND r.conversation_id = $1 AND r.seq > rm.joined_seq
), bump AS (
  UPDATE conversations c SET last_seq = c.last_seq + 1, last_message_at = now(), last_activity_at = now(), changed_at = now()
    FROM conv
   WHERE c.id = conv.id AND conv.is_member AND NOT conv.blocked
     AND NOT EXISTS (SELECT 1 FROM existing)
     AND ($6::uuid IS NULL OR EXISTS (SELECT 1 FROM reply))
  RETURNING c.last_seq, c.last_message_at
), ins AS (
  INSERT INTO messages AS m (id, conversation_id, seq, sender_id, client_message_id, content, reply_to_id, created_at)
  SELECT $3, $1, bump.last_seq, $2, $4, $5, $6::uuid, bump.last_message_at FROM bump
  RETURNING ${MESSAGE_COLUMNS}
), pointers AS (
  UPDATE conversation_members SET last_read_seq = ins.seq, last_delivered_seq = ins.seq
    FROM ins
   WHERE conversation_members.conversation_id = $1 AND conversation_members.user_id = $2
     AND conversation_members.last_delivered_seq < ins.seq
), outbox_row AS (
  ${outboxInsertSql(MESSAGE_SENT_TOPIC, `jsonb_build_object('messageId', ins.id, 'conversationId', ins.conversation_id, 'seq', ins.seq, 'senderId', ins.sender_id)`, 'ins')}
)
SELECT conv.type AS conv_type, coalesce(conv.is_member, false) AS is_member, coalesce(conv.blocked, false) AS blocked,
       EXISTS (SELECT 1 FROM reply) AS reply_ok,
       (SELECT row_to_json(ins) FROM ins) AS inserted,
       (SELECT array_agg(r.user_id) FROM conversation_members r, ins WHERE r.conversation_id = $1 AND r.joined_seq < ins.seq) AS snapshot_recipients,
       (SELECT row_to_json(existing) FROM existing) AS existing
  FROM (SELECT 1) one LEFT JOIN conv ON true`,
);

/** The unique index that makes a retried send (same sender, conversation and clientMessageId) a no-op. */
export const DUPLICATE_SEND_CONSTRAINT = 'messages_client_message_id_key';

/** All SQL of the `messages`, `message_edits` and `message_reactions` tables. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly db: Db) {}

  /** Runs the send statement (see SEND_STATEMENT): one round trip, planned once per connection. */
  async send(input: SendInput): Promise<SendOutcome> {
    const row = await this.db.one<SendOutcome>(SEND_STATEMENT, [input.conversationId, input.senderId, input.id, input.clientMessageId, input.content, input.replyToId]);
    if (!row) throw new Error('the send statement returned no row');
    return row;
  }

  /** The message an earlier send with this clientMessageId created. */
  original(conversationId: string, senderId: string, clientMessageId: string): Promise<MessageRow | undefined> {
    return this.db.one<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.sender_id = $2 AND m.client_message_id = $3`,
      [conversationId, senderId, clientMessageId],
    );
  }

  async conversationOf(messageId: string, tx?: Tx): Promise<string | undefined> {
    return (await this.db.one<{ conversation_id: string }>(`SELECT conversation_id FROM messages WHERE id = $1`, [messageId], tx))?.conversation_id;
  }

  /** The message with the viewer's membership of its conversation; `lock` takes the message's row lock (after the conversation's). */
  withMembership(messageId: string, viewerId: string, lock: boolean, tx?: Tx): Promise<MessageWithMembership | undefined> {
    return this.db.one<MessageWithMembership>(
      `SELECT ${MESSAGE_COLUMNS}, me.role, me.joined_seq, c.type
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = $2
        WHERE m.id = $1 ${lock ? 'FOR NO KEY UPDATE OF m' : ''}`,
      [messageId, viewerId],
      tx,
    );
  }

  /** Up to `limit` messages with seq above `afterSeq`, ascending. */
  after(conversationId: string, afterSeq: number, limit: number): Promise<MessageRow[]> {
    return this.db.rows(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.seq > $2 ORDER BY m.seq ASC LIMIT $3`, [conversationId, afterSeq, limit]);
  }

  /** Up to `limit` messages with seq below `beforeSeq` and above `floor`, newest first. */
  before(conversationId: string, beforeSeq: number, floor: number, limit: number): Promise<MessageRow[]> {
    return this.db.rows(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.seq < $2 AND m.seq > $3 ORDER BY m.seq DESC LIMIT $4`,
      [conversationId, beforeSeq, floor, limit],
    );
  }

  latest(conversationId: string): Promise<MessageRow | undefined> {
    return this.db.one(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 ORDER BY m.seq DESC LIMIT 1`, [conversationId]);
  }

  /** Keeps the current content as a previous version, then replaces it (version + 1). */
  async replaceContent(current: MessageRow, content: string, tx: Tx): Promise<MessageRow> {
    await this.db.rows(`INSERT INTO message_edits (message_id, version, content) VALUES ($1, $2, $3)`, [current.id, current.version, current.content], tx);
    const updated = await this.db.one<MessageRow>(
      `UPDATE messages m SET content = $2, version = m.version + 1, edited_at = now() WHERE m.id = $1 RETURNING ${MESSAGE_COLUMNS}`,
      [current.id, content],
      tx,
    );
    if (!updated) throw new Error('the locked message is gone');
    return updated;
  }

  /** Previous versions after `afterVersion`, oldest first. */
  edits(messageId: string, afterVersion: number, limit: number): Promise<{ version: number; content: string; edited_at: Date }[]> {
    return this.db.rows(`SELECT version, content, edited_at FROM message_edits WHERE message_id = $1 AND version > $2 ORDER BY version ASC LIMIT $3`, [
      messageId,
      afterVersion,
      limit,
    ]);
  }

  /** Leaves a tombstone (content null, seq kept); a deleted message keeps no text anywhere: its previous versions and reactions go too. */
  async tombstone(messageId: string, deletedBy: string, tx: Tx): Promise<void> {
    await this.db.rows(`UPDATE messages SET content = NULL, deleted_at = now(), deleted_by = $2 WHERE id = $1`, [messageId, deletedBy], tx);
    await this.db.rows(`DELETE FROM message_reactions WHERE message_id = $1`, [messageId], tx);
    await this.db.rows(`DELETE FROM message_edits WHERE message_id = $1`, [messageId], tx);
  }

  /**
   * Adds the user's reaction unless they already put it there (`existed`) or already put `max`
   * different ones on the message (neither inserted nor existed). Exact under the conversation's lock.
   */
  async addReaction(messageId: string, userId: string, emoji: string, max: number, tx: Tx): Promise<{ inserted: boolean; existed: boolean }> {
    const row = await this.db.one<{ inserted: boolean; existed: boolean }>(
      `WITH mine AS (
         SELECT emoji FROM message_reactions WHERE message_id = $1 AND user_id = $2
       ), ins AS (
         INSERT INTO message_reactions (message_id, user_id, emoji)
         SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM mine WHERE emoji = $3) AND (SELECT count(*) FROM mine) < $4
         ON CONFLICT DO NOTHING RETURNING emoji
       )
       SELECT EXISTS (SELECT 1 FROM ins) AS inserted, EXISTS (SELECT 1 FROM mine WHERE emoji = $3) AS existed`,
      [messageId, userId, emoji, max],
      tx,
    );
    return row ?? { inserted: false, existed: false };
  }

  /** True when there was such a reaction. */
  async removeReaction(messageId: string, userId: string, emoji: string, tx: Tx): Promise<boolean> {
    return (await this.db.rows(`DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING emoji`, [messageId, userId, emoji], tx)).length > 0;
  }

  /** Every reaction on one message, in the order they were first put. */
  reactionsOf(messageId: string): Promise<{ emoji: string; user_id: string }[]> {
    return this.db.rows(`SELECT emoji, user_id FROM message_reactions WHERE message_id = $1 ORDER BY created_at, emoji`, [messageId]);
  }

  /** Reaction counts per message and emoji, with whether the viewer is among them, in the order each emoji was first put. */
  reactionSummaries(messageIds: readonly string[], viewerId: string): Promise<{ message_id: string; emoji: string; count: string; me: boolean }[]> {
    return this.db.rows(
      `SELECT message_id, emoji, count(*) AS count, bool_or(user_id = $2) AS me, min(created_at) AS first_at
         FROM message_reactions WHERE message_id = ANY($1::uuid[])
        GROUP BY message_id, emoji ORDER BY message_id, first_at, emoji`,
      [messageIds, viewerId],
    );
  }
}
