import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { RealtimeEmitter, UserFanout } from '../../../common/ws/realtime-emitter';
import { holdsInHistory } from '../domain/audience';
import { MessagingViews } from '../domain/messaging-views';
import { ConversationView } from '../domain/views';
import {
  ConversationCreatedEvent,
  ConversationDeliveredEvent,
  ConversationReadEvent,
  ConversationUpdatedEvent,
  MemberRemovedEvent,
  MembersAddedEvent,
  MessageDeletedEvent,
  MessageEditedEvent,
  MessageSentEvent,
  ReactionChangedEvent,
  TypingEvent,
} from '../events/messaging.events';
import './messaging.server-events';

interface Rule {
  event: abstract new (...args: never[]) => object;
  fanout: (event: never) => UserFanout[];
}

/** One row per domain event: who hears it (the audience its event carries, as of the commit) and what. */
const rule = <E extends object>(event: abstract new (...args: never[]) => E, fanout: (event: E) => UserFanout[]): Rule => ({ event, fanout: fanout });

export const FANOUT_RULES: readonly Rule[] = [
  rule(MessageSentEvent, (e) => [{ userIds: e.memberIds, event: 'message.created', payload: e.message }]),
  // Each reactor sees `me` on their own reactions.
  rule(MessageEditedEvent, (e) => [{ userIds: e.memberIds, event: 'message.updated', payload: e.message, perUser: e.perUser }]),
  rule(MessageDeletedEvent, (e) => [{ userIds: e.memberIds, event: 'message.deleted', payload: { id: e.messageId, conversationId: e.conversationId, seq: e.seq } }]),
  rule(ReactionChangedEvent, (e) => [
    {
      userIds: e.memberIds,
      event: e.kind === 'added' ? 'reaction.added' : 'reaction.removed',
      payload: { messageId: e.messageId, conversationId: e.conversationId, emoji: e.emoji, userId: e.userId },
    },
  ]),
  rule(ConversationReadEvent, (e) => [{ userIds: e.memberIds, event: 'conversation.read', payload: { conversationId: e.conversationId, userId: e.userId, lastReadSeq: e.lastReadSeq } }]),
  rule(ConversationDeliveredEvent, (e) => [
    { userIds: e.memberIds, event: 'conversation.delivered', payload: { conversationId: e.conversationId, userId: e.userId, lastDeliveredSeq: e.lastDeliveredSeq } },
  ]),
  rule(ConversationCreatedEvent, (e) => [{ userIds: e.userIds, event: 'conversation.created', payload: e.conversation }]),
  // One event per newcomer, as the contract has it, in one broadcast between nodes.
  rule(MembersAddedEvent, (e) =>
    e.addedUserIds.map((userId) => ({ userIds: e.memberIds, event: 'conversation.member_added' as const, payload: { conversationId: e.conversationId, userId } })),
  ),
  // The removed member hears it once, then nothing more.
  rule(MemberRemovedEvent, (e) => [
    { userIds: [...e.memberIds, e.removedUserId], event: 'conversation.member_removed', payload: { conversationId: e.conversationId, userId: e.removedUserId } },
  ]),
  rule(TypingEvent, (e) => [{ userIds: e.recipientIds, event: 'typing', payload: { conversationId: e.conversationId, userId: e.userId, isTyping: e.isTyping } }]),
];

/**
 * Turns committed domain events into Socket.IO events by the table above: every device of
 * every recipient, through the per-user rooms, one broadcast between nodes per domain event.
 */
@EventsHandler(...FANOUT_RULES.map((r) => r.event as new (...args: never[]) => object))
export class MessagingFanout implements IEventHandler {
  private readonly rules = new Map(FANOUT_RULES.map((r) => [r.event, r.fanout]));

  constructor(private readonly emitter: RealtimeEmitter) {}

  handle(event: object): void {
    const fanout = this.rules.get(event.constructor as Rule['event']);
    if (fanout) this.emitter.toUsersBatch(fanout(event as never));
  }
}

/**
 * conversation.updated carries each member's own view (unread count, mute, and the last
 * message if their history holds it, with `me` on their own reactions): the shared view and
 * every member's own fields travel in one broadcast, and each node fills in its sockets'.
 */
@EventsHandler(ConversationUpdatedEvent)
export class ConversationUpdatedFanout implements IEventHandler<ConversationUpdatedEvent> {
  constructor(
    private readonly emitter: RealtimeEmitter,
    private readonly views: MessagingViews,
  ) {}

  async handle(event: ConversationUpdatedEvent): Promise<void> {
    // Any current member can serve as the viewer of the shared fields; one who has just left cannot.
    let base: ConversationView | null = null;
    for (const viewer of event.memberIds.slice(0, 5)) {
      base = await this.views.conversation(event.conversationId, viewer).catch(() => null);
      if (base) break;
    }
    if (!base) return;
    const latest = await this.views.latestMessage(event.conversationId);
    const views = latest ? await this.views.viewsPerReactor(latest) : null;
    const own = await this.views.memberStates(event.conversationId, event.memberIds);
    const perUser = new Map<string, Partial<ConversationView>>();
    for (const [userId, state] of own) {
      const sees = latest !== null && views !== null && holdsInHistory(state.joinedSeq, latest.seq);
      const mine = sees ? views.perUser.get(userId) : undefined;
      perUser.set(userId, {
        unreadCount: state.unreadCount,
        mutedUntil: state.mutedUntil,
        ...(!sees ? { lastMessage: null } : mine ? { lastMessage: { ...views.shared, ...mine } } : {}),
      });
    }
    this.emitter.toUsersBatch([{ userIds: [...perUser.keys()], event: 'conversation.updated', payload: { ...base, lastMessage: views?.shared ?? null }, perUser }]);
  }
}
