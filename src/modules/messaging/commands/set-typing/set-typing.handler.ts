import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { TypingState } from '../../domain/typing-state';
import { TypingEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { SetTypingCommand } from './set-typing.command';

/** Members only, and never across a block; starts are throttled and expire by themselves (TypingState). */
@CommandHandler(SetTypingCommand)
export class SetTypingHandler implements ICommandHandler<SetTypingCommand> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly typing: TypingState,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: SetTypingCommand): Promise<Record<string, never>> {
    await this.access.member(cmd.conversationId, cmd.actor.userId);
    if (await this.conversations.blockedDirect(cmd.conversationId)) throw AppError.forbidden('You cannot send messages in this conversation');
    if (await this.typing.update(cmd.conversationId, cmd.actor.userId, cmd.isTyping)) {
      this.events.publish(new TypingEvent(cmd.conversationId, cmd.actor.userId, cmd.isTyping, await this.audience.ofTyping(cmd.conversationId, cmd.actor.userId)));
    }
    return {};
  }
}
