/**
 * The messaging module's public face: what other modules may use of it. Everything else under
 * modules/messaging is its own (the dependency-cruiser rules of npm run lint keep it so).
 */
export { MessagingModule } from './messaging.module';
export { DirectContacts, MessagingContactsModule } from './contacts/direct-contacts';
export { MessageSearch } from './search/message-search';
export type { MessageSearchHit } from './search/message-search';
export type { SearchKey, SearchRequest, SearchSort } from './search/message-search.repository';
export { ConversationView, MemberView, MessageView, ReactionSummaryView } from './domain/views';
export type { MemberRole } from './domain/views';
export {
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
} from './events/messaging.events';
