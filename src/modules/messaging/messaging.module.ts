import { Module } from '@nestjs/common';
import { MessagingContactsModule } from './contacts/direct-contacts';
import { Audience } from './domain/audience';
import { ConversationAccess } from './domain/conversation-access';
import { MessagingViews } from './domain/messaging-views';
import { ConversationsRepository } from './repositories/conversations.repository';
import { MembershipsRepository } from './repositories/memberships.repository';
import { MessagesRepository } from './repositories/messages.repository';
import { MessageSearch } from './search/message-search';
import { MessageSearchRepository } from './search/message-search.repository';
import { SearchLanguageCheck } from './search/search-index.repository';
import { AddMembersHandler } from './commands/add-members/add-members.handler';
import { ChangeMemberRoleHandler } from './commands/change-member-role/change-member-role.handler';
import { CreateDirectConversationHandler } from './commands/create-direct/create-direct.handler';
import { CreateGroupHandler } from './commands/create-group/create-group.handler';
import { DeleteMessageHandler } from './commands/delete-message/delete-message.handler';
import { EditMessageHandler } from './commands/edit-message/edit-message.handler';
import { MarkDeliveredHandler, MarkReadHandler } from './commands/mark-read/mark-read.handlers';
import { MuteConversationHandler } from './commands/mute-conversation/mute-conversation.handler';
import { AddReactionHandler, RemoveReactionHandler } from './commands/react/reaction.handlers';
import { RemoveMemberHandler } from './commands/remove-member/remove-member.handler';
import { SendMessageHandler } from './commands/send-message/send-message.handler';
import { SetTypingHandler } from './commands/set-typing/set-typing.handler';
import { UpdateConversationHandler } from './commands/update-conversation/update-conversation.handler';
import { GroupAdmission } from './domain/membership';
import { TypingState } from './domain/typing-state';
import { ConversationsController } from './http/conversations.controller';
import { MessagesController } from './http/messages.controller';
import { GetConversationHandler } from './queries/get-conversation/get-conversation.handler';
import { ListConversationsHandler } from './queries/list-conversations/list-conversations.handler';
import { ListReceiptsHandler } from './queries/list-receipts/list-receipts.handler';
import { GetMessageHandler } from './queries/get-message/get-message.handler';
import { ListMessageEditsHandler } from './queries/list-message-edits/list-message-edits.handler';
import { ListMessagesHandler } from './queries/list-messages/list-messages.handler';
import { SyncMessagesHandler } from './queries/sync-messages/sync-messages.handler';
import { ConversationUpdatedFanout, MessagingFanout } from './ws/messaging.fanout';
import { MessagingGateway } from './ws/messaging.gateway';
import { ListSyncStateHandler } from './queries/list-sync-state/list-sync-state.handler';

/**
 * Conversations, memberships, messages, edits, reactions (its tables: conversations,
 * conversation_members, messages, message_edits, message_reactions, with messages' search
 * index). Exports the message search and, through MessagingContactsModule, contacts.
 */
@Module({
  imports: [MessagingContactsModule],
  controllers: [ConversationsController, MessagesController],
  providers: [
    ConversationsRepository,
    MembershipsRepository,
    MessagesRepository,
    MessageSearchRepository,
    ConversationAccess,
    MessagingViews,
    Audience,
    MessageSearch,
    SearchLanguageCheck,
    GroupAdmission,
    TypingState,
    MessagingGateway,
    MessagingFanout,
    ConversationUpdatedFanout,
    SendMessageHandler,
    EditMessageHandler,
    DeleteMessageHandler,
    AddReactionHandler,
    RemoveReactionHandler,
    CreateDirectConversationHandler,
    CreateGroupHandler,
    UpdateConversationHandler,
    AddMembersHandler,
    RemoveMemberHandler,
    ChangeMemberRoleHandler,
    MuteConversationHandler,
    MarkReadHandler,
    MarkDeliveredHandler,
    SetTypingHandler,
    ListConversationsHandler,
    GetConversationHandler,
    ListReceiptsHandler,
    ListMessagesHandler,
    SyncMessagesHandler,
    GetMessageHandler,
    ListMessageEditsHandler,
    ListSyncStateHandler,
  ],
  exports: [MessageSearch, MessagingContactsModule],
})
export class MessagingModule {}
