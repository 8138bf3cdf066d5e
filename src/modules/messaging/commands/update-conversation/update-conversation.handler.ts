import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { MessagingReadModel } from '../../domain/read-model';
import { requireGroupManager } from '../../domain/roles';
import { ConversationView } from '../../domain/views';
import { ConversationUpdatedEvent } from '../../events/messaging.events';
import { UpdateConversationCommand } from './update-conversation.command';

@CommandHandler(UpdateConversationCommand)
export class UpdateConversationHandler implements ICommandHandler<UpdateConversationCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: UpdateConversationCommand): Promise<ConversationView> {
    const memberIds = await inTransaction(this.dataSource, async (manager) => {
      const me = await this.readModel.lockAsMember(cmd.conversationId, cmd.actor.userId, manager);
      requireGroupManager(me);
      await manager.query(`UPDATE conversations SET name = $2, changed_at = now() WHERE id = $1`, [cmd.conversationId, cmd.name]);
      return this.readModel.memberIds(cmd.conversationId, manager);
    });
    this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    return this.readModel.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
