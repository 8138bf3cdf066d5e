import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { MessagingReadModel } from '../../domain/read-model';
import { TypingState } from '../../domain/typing-state';
import { TypingEvent } from '../../events/messaging.events';
import { SetTypingCommand } from './set-typing.command';

/** Members only, and never across a block; starts are throttled and expire by themselves (TypingState). */
@CommandHandler(SetTypingCommand)
export class SetTypingHandler implements ICommandHandler<SetTypingCommand> {
  constructor(
    private readonly readModel: MessagingReadModel,
    private readonly typing: TypingState,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: SetTypingCommand): Promise<Record<string, never>> {
    await this.readModel.requireMember(cmd.conversationId, cmd.actor.userId);
    if (await this.readModel.blockedDirect(cmd.conversationId)) throw AppError.forbidden('You cannot send messages in this conversation');
    if (await this.typing.update(cmd.conversationId, cmd.actor.userId, cmd.isTyping)) {
      const others = (await this.readModel.memberIds(cmd.conversationId)).filter((id) => id !== cmd.actor.userId);
      this.events.publish(new TypingEvent(cmd.conversationId, cmd.actor.userId, cmd.isTyping, others));
    }
    return {};
  }
}
