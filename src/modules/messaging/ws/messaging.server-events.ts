import { ConversationView, MessageView, SyncStateResult } from '../domain/views';

/** What clients hear of a reaction. */
export interface ReactionEventPayload {
  messageId: string;
  conversationId: string;
  emoji: string;
  userId: string;
}

/** The messaging module's server → client events (see common/ws/server-events). */
declare module '../../../common/ws/server-events' {
  interface ServerEvents {
    'message.created': MessageView;
    'message.updated': MessageView;
    'message.deleted': { id: string; conversationId: string; seq: number };
    'reaction.added': ReactionEventPayload;
    'reaction.removed': ReactionEventPayload;
    'conversation.read': { conversationId: string; userId: string; lastReadSeq: number };
    'conversation.delivered': { conversationId: string; userId: string; lastDeliveredSeq: number };
    'conversation.created': ConversationView;
    'conversation.updated': ConversationView;
    'conversation.member_added': { conversationId: string; userId: string };
    'conversation.member_removed': { conversationId: string; userId: string };
    typing: { conversationId: string; userId: string; isTyping: boolean };
    'sync.required': SyncStateResult;
  }
}
