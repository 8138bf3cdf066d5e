import { Injectable } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { ConversationsRepository } from '../repositories/conversations.repository';
import { MembershipsRepository } from '../repositories/memberships.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { ConversationView, MessageRow, MessageView, ReactionSummaryView, toMessageView } from './views';

/** Per-member state of one conversation: what conversation.updated tells each of them. */
export interface MemberState {
  unreadCount: number;
  mutedUntil: string | null;
  joinedSeq: number;
}

/**
 * Message and Conversation views as the API answers them, each assembled in a fixed number of
 * queries (none per row). Callers have checked access (see ConversationAccess) where it matters:
 * `conversations` leaves out what the viewer is not a member of.
 */
@Injectable()
export class MessagingViews {
  constructor(
    private readonly conversationsRepo: ConversationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  /** Messages with their reactions as the viewer sees them (`me` on theirs). */
  async toMessages(rows: readonly MessageRow[], viewerId: string): Promise<MessageView[]> {
    const live = rows.filter((r) => !r.deleted_at).map((r) => r.id);
    const reactions = new Map<string, ReactionSummaryView[]>();
    if (live.length > 0) {
      for (const r of await this.messages.reactionSummaries(live, viewerId)) {
        const list = reactions.get(r.message_id) ?? [];
        list.push({ emoji: r.emoji, count: Number(r.count), me: r.me });
        reactions.set(r.message_id, list);
      }
    }
    return rows.map((r) => toMessageView(r, reactions.get(r.id) ?? []));
  }

  async message(row: MessageRow, viewerId: string): Promise<MessageView> {
    return (await this.toMessages([row], viewerId))[0];
  }

  /**
   * A message as every viewer but its reactors sees it (`me` false throughout), and each
   * reactor's own reactions (`me` true on theirs): the per-recipient views of one event.
   */
  async viewsPerReactor(row: MessageRow): Promise<{ shared: MessageView; perUser: Map<string, { reactions: ReactionSummaryView[] }> }> {
    if (row.deleted_at) return { shared: toMessageView(row), perUser: new Map() };
    const rows = await this.messages.reactionsOf(row.id);
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

  /** The latest message of a conversation (conversation.updated's lastMessage), or null. */
  async latestMessage(conversationId: string): Promise<MessageRow | null> {
    return (await this.messages.latest(conversationId)) ?? null;
  }

  /** Conversation views for the viewer, in the order of `ids`; ids the viewer is not in are left out. */
  async conversations(ids: readonly string[], viewerId: string): Promise<ConversationView[]> {
    if (ids.length === 0) return [];
    const rows = await this.conversationsRepo.viewRows(ids, viewerId);
    const members = await this.memberships.ofConversations(ids);
    const lastMessages = await this.toMessages(
      rows.flatMap((r) => (r.last_message ? [r.last_message] : [])),
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
    return ids.flatMap((id) => {
      const view = byId.get(id);
      return view ? [view] : [];
    });
  }

  async conversation(id: string, viewerId: string): Promise<ConversationView> {
    const [view] = await this.conversations([id], viewerId);
    if (!view) throw AppError.notFound('Conversation');
    return view;
  }

  /** Per-member unread count, mute and join point for many members of one conversation, in one query. */
  async memberStates(conversationId: string, userIds: readonly string[]): Promise<Map<string, MemberState>> {
    const rows = await this.memberships.states(conversationId, userIds);
    return new Map(
      rows.map((r) => [r.user_id, { unreadCount: Number(r.unread), mutedUntil: r.muted_until ? r.muted_until.toISOString() : null, joinedSeq: Number(r.joined_seq) }]),
    );
  }
}
