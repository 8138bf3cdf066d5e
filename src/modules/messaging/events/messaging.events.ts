import { ConversationView, MessageView } from '../domain/views';

/**
 * Domain events of the messaging module, published on the EventBus after the command's
 * transaction commits. Each carries the recipients as of the commit, so fan-out needs
 * no query and a removed member is never among them.
 */
export class MessageSentEvent {
  constructor(
    readonly message: MessageView,
    readonly memberIds: string[],
  ) {}
}

export class MessageEditedEvent {
  constructor(
    /** As every recipient but the reactors sees it; `perUser` holds each reactor's own reactions. */
    readonly message: MessageView,
    readonly memberIds: string[],
    readonly perUser: ReadonlyMap<string, { reactions: MessageView['reactions'] }> = new Map(),
  ) {}
}

export class MessageDeletedEvent {
  constructor(
    readonly messageId: string,
    readonly conversationId: string,
    readonly seq: number,
    readonly deletedBy: string,
    readonly memberIds: string[],
  ) {}
}

export class ReactionChangedEvent {
  constructor(
    readonly kind: 'added' | 'removed',
    readonly messageId: string,
    readonly conversationId: string,
    readonly emoji: string,
    readonly userId: string,
    readonly memberIds: string[],
  ) {}
}

export class ConversationReadEvent {
  constructor(
    readonly conversationId: string,
    readonly userId: string,
    readonly lastReadSeq: number,
    readonly memberIds: string[],
  ) {}
}

export class ConversationDeliveredEvent {
  constructor(
    readonly conversationId: string,
    readonly userId: string,
    readonly lastDeliveredSeq: number,
    readonly memberIds: string[],
  ) {}
}

/**
 * A conversation appeared for these users (created, or they were added). A newcomer's
 * view is the same for all of them: nothing unread, no history before joining, not muted.
 */
export class ConversationCreatedEvent {
  constructor(
    readonly conversation: ConversationView,
    readonly userIds: string[],
  ) {}
}

export class ConversationUpdatedEvent {
  constructor(
    readonly conversationId: string,
    readonly memberIds: string[],
  ) {}
}

export class MembersAddedEvent {
  constructor(
    readonly conversationId: string,
    readonly addedUserIds: string[],
    readonly memberIds: string[],
  ) {}
}

export class MemberRemovedEvent {
  constructor(
    readonly conversationId: string,
    readonly removedUserId: string,
    /** Remaining members; the removed user is told separately, once. */
    readonly memberIds: string[],
    readonly conversationDeleted: boolean,
  ) {}
}

export class TypingEvent {
  constructor(
    readonly conversationId: string,
    readonly userId: string,
    readonly isTyping: boolean,
    readonly recipientIds: string[],
  ) {}
}
