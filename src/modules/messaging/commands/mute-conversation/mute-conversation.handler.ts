import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { MembershipsRepository } from '../../repositories/memberships.repository';
import { MuteConversationCommand } from './mute-conversation.command';

@CommandHandler(MuteConversationCommand)
export class MuteConversationHandler implements ICommandHandler<MuteConversationCommand> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly memberships: MembershipsRepository,
    private readonly views: MessagingViews,
  ) {}

  async execute(cmd: MuteConversationCommand): Promise<ConversationView> {
    await this.access.member(cmd.conversationId, cmd.actor.userId);
    await this.memberships.mute(cmd.conversationId, cmd.actor.userId, cmd.until);
    return this.views.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
