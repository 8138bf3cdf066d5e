import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationView } from '../../domain/views';
import { MuteConversationCommand } from './mute-conversation.command';

@CommandHandler(MuteConversationCommand)
export class MuteConversationHandler implements ICommandHandler<MuteConversationCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(cmd: MuteConversationCommand): Promise<ConversationView> {
    await this.readModel.requireMember(cmd.conversationId, cmd.actor.userId);
    await this.dataSource.query(`UPDATE conversation_members SET muted_until = $3 WHERE conversation_id = $1 AND user_id = $2`, [
      cmd.conversationId,
      cmd.actor.userId,
      cmd.until,
    ]);
    return this.readModel.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
