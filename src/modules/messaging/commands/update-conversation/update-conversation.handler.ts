import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { requireGroupManager } from '../../domain/membership-rules';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { ConversationUpdatedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { UpdateConversationCommand } from './update-conversation.command';

@CommandHandler(UpdateConversationCommand)
export class UpdateConversationHandler implements ICommandHandler<UpdateConversationCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: UpdateConversationCommand): Promise<ConversationView> {
    const memberIds = await this.db.transaction(async (tx) => {
      const me = await this.access.lockAsMember(cmd.conversationId, cmd.actor.userId, tx);
      requireGroupManager(me);
      await this.conversations.rename(cmd.conversationId, cmd.name, tx);
      return this.audience.ofConversation(cmd.conversationId, tx);
    });
    this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    return this.views.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
