import { Module } from '@nestjs/common';
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
import { MessagingReadModel } from './domain/read-model';
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
import { ListDirectPartnersHandler } from './queries/list-direct-partners/list-direct-partners.handler';
import { ListSyncStateHandler } from './queries/list-sync-state/list-sync-state.handler';

@Module({
  controllers: [ConversationsController, MessagesController],
  providers: [
    MessagingReadModel,
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
    ListDirectPartnersHandler,
  ],
})
export class MessagingModule {}
