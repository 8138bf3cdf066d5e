import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../../common/errors/app-error';
import { ConversationView, MemberRole, MessageRow, MessageView, ReactionSummaryView, toMessageView } from './views';

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

export const MESSAGE_COLUMNS = `m.id, m.conversation_id, m.seq, m.sender_id, m.client_message_id, m.content, m.reply_to_id,
  m.version, m.created_at, m.edited_at, m.deleted_at`;

interface ConversationRow {
  id: string;
  type: 'direct' | 'group';
  name: string | null;
  created_at: Date;
  last_seq: string;
  last_message_at: Date | null;
  muted_until: Date | null;
  unread_count: string;
  last_message: (Omit<MessageRow, 'created_at' | 'edited_at' | 'deleted_at'> & { created_at: string; edited_at: string | null; deleted_at: string | null }) | null;
}

/**
 * Shared reads of the messaging module: membership checks and the assembly of
 * Message and Conversation views, each in a fixed number of queries (no query per row).
 */
@Injectable()
export class MessagingReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The one lock order of every write to a conversation: its row first (FOR NO KEY UPDATE:
   * sends, membership and role changes, edits, deletes and reactions of one conversation
   * queue here), then memberships, then messages. Reads made after it, in later statements,
   * see every change committed before (lock, then read). False when it does not exist.
   */
  async lockConversation(conversationId: string, manager: EntityManager): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM conversations WHERE id = $1 FOR NO KEY UPDATE`, [conversationId]);
    return rows.length > 0;
  }

  /** Locks the conversation (see lockConversation), then reads the caller's membership: 404 if either is missing. */
  async lockAsMember(conversationId: string, userId: string, manager: EntityManager): Promise<MembershipRow> {
    if (!(await this.lockConversation(conversationId, manager))) throw AppError.notFound('Conversation');
    return this.requireMember(conversationId, userId, manager);
  }

  /** The caller's membership, or 404 exactly as if the conversation did not exist. */
  async requireMember(conversationId: string, userId: string, manager: EntityManager = this.dataSource.manager): Promise<MembershipRow> {
    const rows: MembershipRow[] = await manager.query(
      `SELECT me.conversation_id, me.user_id, me.role, me.joined_seq, me.last_read_seq, me.last_delivered_seq, c.type, c.last_seq
         FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
        WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [conversationId, userId],
    );
    if (!rows[0]) throw AppError.notFound('Conversation');
    return rows[0];
  }

  async memberIds(conversationId: string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: { user_id: string }[] = await manager.query(`SELECT user_id FROM conversation_members WHERE conversation_id = $1`, [conversationId]);
    return rows.map((r) => r.user_id);
  }

  /** Whether this is a direct conversation between two people of whom one blocked the other: nothing may pass between them. */
  async blockedDirect(conversationId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM conversations c JOIN user_blocks b
          ON (b.blocker_id = c.direct_user_low AND b.blocked_id = c.direct_user_high) OR (b.blocker_id = c.direct_user_high AND b.blocked_id = c.direct_user_low)
        WHERE c.id = $1 AND c.type = 'direct' LIMIT 1`,
      [conversationId],
    );
    return rows.length > 0;
  }

  /** The members whose history holds the message `seq` (joined before it): the only ones told of its edits, reactions and deletion. */
  async memberIdsWhoSee(conversationId: string, seq: number | string, manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows: { user_id: string }[] = await manager.query(`SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND joined_seq < $2`, [conversationId, seq]);
    return rows.map((r) => r.user_id);
  }

  /**
   * A message as every viewer but its reactors sees it (`me` false throughout), and each
   * reactor's own reactions (`me` true on theirs): per-recipient views of one event.
   */
  async viewsPerReactor(row: MessageRow): Promise<{ shared: MessageView; perUser: Map<string, { reactions: ReactionSummaryView[] }> }> {
    if (row.deleted_at) return { shared: toMessageView(row), perUser: new Map() };
    const rows: { emoji: string; user_id: string }[] = await this.dataSource.query(
      `SELECT emoji, user_id FROM message_reactions WHERE message_id = $1 ORDER BY created_at, emoji`,
      [row.id],
    );
    const order: string[] = [];
    const byEmoji = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!byEmoji.has(r.emoji)) {
        order.push(r.emoji);
        byEmoji.set(r.emoji, new Set());
      }
      byEmoji.get(r.emoji)?.add(r.user_id);
    }
    const summary = (viewer: string | null): ReactionSummaryView[] =>
      order.map((emoji) => ({ emoji, count: byEmoji.get(emoji)?.size ?? 0, me: viewer !== null && (byEmoji.get(emoji)?.has(viewer) ?? false) }));
    const reactors = new Set(rows.map((r) => r.user_id));
    return { shared: toMessageView(row, summary(null)), perUser: new Map([...reactors].map((userId) => [userId, { reactions: summary(userId) }])) };
  }

  /** The latest message of a conversation (for conversation.updated's lastMessage), or null. */
  async latestMessage(conversationId: string): Promise<MessageRow | null> {
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 ORDER BY m.seq DESC LIMIT 1`,
      [conversationId],
    );
    return rows[0] ?? null;
  }

  /**
   * For a write to a message: locks its conversation (see lockConversation), then the message
   * row, and checks the caller may see it, all read after the lock. 404 as requireVisibleMessage.
   */
  async lockVisibleMessage(messageId: string, userId: string, manager: EntityManager): Promise<MessageRow & { role: MemberRole | null; type: 'direct' | 'group' }> {
    const found: { conversation_id: string }[] = await manager.query(`SELECT conversation_id FROM messages WHERE id = $1`, [messageId]);
    if (!found[0] || !(await this.lockConversation(found[0].conversation_id, manager))) throw AppError.notFound('Message');
    return this.requireVisibleMessage(messageId, userId, manager, true);
  }

  /** A message the caller may see (member, not before their join point), or 404. */
  async requireVisibleMessage(messageId: string, userId: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<MessageRow & { role: MemberRole | null; type: 'direct' | 'group' }> {
    const rows: (MessageRow & { role: MemberRole | null; joined_seq: string | null; type: 'direct' | 'group' })[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS}, me.role, me.joined_seq, c.type
         FROM messages m
         JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = $2
        WHERE m.id = $1 ${lock ? 'FOR NO KEY UPDATE OF m' : ''}`,
      [messageId, userId],
    );
    const row = rows[0];
    if (!row || row.role === null || Number(row.seq) <= Number(row.joined_seq)) throw AppError.notFound('Message');
    return row;
  }

  async reactionsFor(messageIds: string[], viewerId: string): Promise<Map<string, ReactionSummaryView[]>> {
    const map = new Map<string, ReactionSummaryView[]>();
    if (messageIds.length === 0) return map;
    const rows: { message_id: string; emoji: string; count: string; me: boolean }[] = await this.dataSource.query(
      `SELECT message_id, emoji, count(*) AS count, bool_or(user_id = $2) AS me, min(created_at) AS first_at
         FROM message_reactions WHERE message_id = ANY($1::uuid[])
        GROUP BY message_id, emoji ORDER BY message_id, first_at, emoji`,
      [messageIds, viewerId],
    );
    for (const r of rows) {
      const list = map.get(r.message_id) ?? [];
      list.push({ emoji: r.emoji, count: Number(r.count), me: r.me });
      map.set(r.message_id, list);
    }
    return map;
  }

  async toMessages(rows: MessageRow[], viewerId: string): Promise<MessageView[]> {
    const reactions = await this.reactionsFor(
      rows.filter((r) => !r.deleted_at).map((r) => r.id),
      viewerId,
    );
    return rows.map((r) => toMessageView(r, reactions.get(r.id) ?? []));
  }

  async message(messageId: string, viewerId: string): Promise<MessageView> {
    const row = await this.requireVisibleMessage(messageId, viewerId);
    return (await this.toMessages([row], viewerId))[0];
  }

  /** Conversation views for the viewer, in the order of `ids`; ids the viewer is not in are skipped. */
  async conversations(ids: string[], viewerId: string): Promise<ConversationView[]> {
    if (ids.length === 0) return [];
    const rows: ConversationRow[] = await this.dataSource.query(
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
    const members: { conversation_id: string; user_id: string; role: MemberRole; last_read_seq: string }[] = await this.dataSource.query(
      `SELECT conversation_id, user_id, role, last_read_seq FROM conversation_members
        WHERE conversation_id = ANY($1::uuid[]) ORDER BY joined_at, user_id`,
      [ids],
    );
    const lastMessages = await this.toMessages(
      rows.flatMap((r) => (r.last_message ? [r.last_message as MessageRow] : [])),
      viewerId,
    );
    const lastById = new Map(lastMessages.map((m) => [m.conversationId, m]));
    const membersById = new Map<string, ConversationView['members']>();
    for (const m of members) {
      const list = membersById.get(m.conversation_id) ?? [];
      list.push({ userId: m.user_id, role: m.role, lastReadSeq: Number(m.last_read_seq) });
      membersById.set(m.conversation_id, list);
    }
    const byId = new Map(
      rows.map((r): [string, ConversationView] => [
        r.id,
        {
          id: r.id,
          type: r.type,
          name: r.name,
          createdAt: r.created_at.toISOString(),
          lastSeq: Number(r.last_seq),
          lastMessageAt: r.last_message_at ? r.last_message_at.toISOString() : null,
          lastMessage: lastById.get(r.id) ?? null,
          unreadCount: Number(r.unread_count),
          mutedUntil: r.muted_until ? r.muted_until.toISOString() : null,
          members: membersById.get(r.id) ?? [],
        },
      ]),
    );
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as ConversationView] : []));
  }

  async conversation(id: string, viewerId: string): Promise<ConversationView> {
    const [view] = await this.conversations([id], viewerId);
    if (!view) throw AppError.notFound('Conversation');
    return view;
  }

  async unreadCount(conversationId: string, userId: string, manager: EntityManager = this.dataSource.manager): Promise<number> {
    const rows: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM messages u JOIN conversation_members me ON me.conversation_id = u.conversation_id AND me.user_id = $2
        WHERE u.conversation_id = $1 AND u.seq > me.last_read_seq AND u.sender_id <> $2 AND u.deleted_at IS NULL`,
      [conversationId, userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Per-member unread count, mute and join point for many members of one conversation, in one query. */
  async memberStates(conversationId: string, userIds: string[]): Promise<Map<string, { unreadCount: number; mutedUntil: string | null; joinedSeq: number }>> {
    const rows: { user_id: string; unread: string; muted_until: Date | null; joined_seq: string }[] = await this.dataSource.query(
      `SELECT me.user_id, me.muted_until, me.joined_seq,
              (SELECT count(*) FROM messages u WHERE u.conversation_id = me.conversation_id AND u.seq > me.last_read_seq
                 AND u.sender_id <> me.user_id AND u.deleted_at IS NULL) AS unread
         FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = ANY($2::uuid[])`,
      [conversationId, userIds],
    );
    return new Map(
      rows.map((r) => [r.user_id, { unreadCount: Number(r.unread), mutedUntil: r.muted_until ? r.muted_until.toISOString() : null, joinedSeq: Number(r.joined_seq) }]),
    );
  }
}
