import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { RealtimeEmitter } from '../../realtime/realtime-emitter';
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
import { MessagingReadModel } from '../domain/read-model';

/**
 * Turns committed domain events into Socket.IO events, addressed to every device of every
 * recipient through the per-user rooms (sender's own devices included, except for typing).
 */
@EventsHandler(
  MessageSentEvent,
  MessageEditedEvent,
  MessageDeletedEvent,
  ReactionChangedEvent,
  ConversationReadEvent,
  ConversationDeliveredEvent,
  ConversationCreatedEvent,
  MembersAddedEvent,
  MemberRemovedEvent,
  TypingEvent,
)
export class MessagingFanout implements IEventHandler {
  constructor(private readonly emitter: RealtimeEmitter) {}

  handle(event: object): void {
    const e = this.emitter;
    if (event instanceof MessageSentEvent) e.toUsers(event.memberIds, 'message.created', event.message);
    else if (event instanceof MessageEditedEvent) {
      // Each reactor sees `me` on their own reactions: the per-user fields of one broadcast.
      e.toUsersBatch([{ userIds: event.memberIds, event: 'message.updated', payload: event.message, perUser: new Map([...event.perUser].filter(([id]) => event.memberIds.includes(id))) }]);
    }
    else if (event instanceof MessageDeletedEvent) {
      e.toUsers(event.memberIds, 'message.deleted', { id: event.messageId, conversationId: event.conversationId, seq: event.seq });
    } else if (event instanceof ReactionChangedEvent) {
      e.toUsers(event.memberIds, `reaction.${event.kind}`, {
        messageId: event.messageId,
        conversationId: event.conversationId,
        emoji: event.emoji,
        userId: event.userId,
      });
    } else if (event instanceof ConversationReadEvent) {
      e.toUsers(event.memberIds, 'conversation.read', { conversationId: event.conversationId, userId: event.userId, lastReadSeq: event.lastReadSeq });
    } else if (event instanceof ConversationDeliveredEvent) {
      e.toUsers(event.memberIds, 'conversation.delivered', {
        conversationId: event.conversationId,
        userId: event.userId,
        lastDeliveredSeq: event.lastDeliveredSeq,
      });
    } else if (event instanceof ConversationCreatedEvent) e.toUsers(event.userIds, 'conversation.created', event.conversation);
    else if (event instanceof MembersAddedEvent) {
      // One event per newcomer, as the contract has it, in one broadcast between nodes.
      e.toUsersBatch(
        event.addedUserIds.map((userId) => ({ userIds: event.memberIds, event: 'conversation.member_added', payload: { conversationId: event.conversationId, userId } })),
      );
    } else if (event instanceof MemberRemovedEvent) {
      const payload = { conversationId: event.conversationId, userId: event.removedUserId };
      e.toUsers([...event.memberIds, event.removedUserId], 'conversation.member_removed', payload);
    } else if (event instanceof TypingEvent) {
      e.toUsers(event.recipientIds, 'typing', { conversationId: event.conversationId, userId: event.userId, isTyping: event.isTyping });
    }
  }
}

/**
 * conversation.updated carries each member's own view (unread count, mute): the shared view
 * and every member's own fields travel in one broadcast, and each node fills in its sockets'.
 */
@EventsHandler(ConversationUpdatedEvent)
export class ConversationUpdatedFanout implements IEventHandler<ConversationUpdatedEvent> {
  constructor(
    private readonly emitter: RealtimeEmitter,
    private readonly readModel: MessagingReadModel,
  ) {}

  async handle(event: ConversationUpdatedEvent): Promise<void> {
    // Shared fields are the same for all; per-member fields are patched from one query.
    // Any current member can serve as the viewer; one who has just left cannot.
    let base = null;
    for (const viewer of event.memberIds.slice(0, 5)) {
      base = await this.readModel.conversation(event.conversationId, viewer).catch(() => null);
      if (base) break;
    }
    if (!base) return;
    // lastMessage is the conversation's latest, shown only to members whose history holds it,
    // with `me` on each reactor's own reactions.
    const latest = await this.readModel.latestMessage(event.conversationId);
    const views = latest ? await this.readModel.viewsPerReactor(latest) : null;
    const own = await this.readModel.memberStates(event.conversationId, event.memberIds);
    const perUser = new Map(
      [...own].map(([userId, state]) => {
        const sees = latest !== null && Number(latest.seq) > state.joinedSeq;
        const mine = sees ? views?.perUser.get(userId) : undefined;
        const lastMessage = !sees ? { lastMessage: null } : mine ? { lastMessage: { ...views?.shared, ...mine } } : {};
        return [userId, { unreadCount: state.unreadCount, mutedUntil: state.mutedUntil, ...lastMessage }];
      }),
    );
    this.emitter.toUsersBatch([{ userIds: [...perUser.keys()], event: 'conversation.updated', payload: { ...base, lastMessage: views?.shared ?? null }, perUser }]);
  }
}
