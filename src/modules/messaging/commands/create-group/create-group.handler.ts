import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { GroupAdmission } from '../../domain/membership';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationView } from '../../domain/views';
import { ConversationCreatedEvent } from '../../events/messaging.events';
import { CreateGroupCommand } from './create-group.command';

@CommandHandler(CreateGroupCommand)
export class CreateGroupHandler implements ICommandHandler<CreateGroupCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly admission: GroupAdmission,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: CreateGroupCommand): Promise<ConversationView> {
    const owner = cmd.actor.userId;
    const others = cmd.memberIds.filter((id) => id !== owner);
    if (others.length === 0) {
      throw AppError.validation('A group needs at least one member besides you', [{ field: 'memberIds', message: 'must name at least one other user' }]);
    }
    const id = uuidv7();
    await inTransaction(this.dataSource, async (manager) => {
      await this.admission.check(manager, owner, others, 1, 'memberIds');
      await manager.query(`INSERT INTO conversations (id, type, name, created_by) VALUES ($1, 'group', $2, $3)`, [id, cmd.name, owner]);
      await manager.query(
        `INSERT INTO conversation_members (conversation_id, user_id, role)
         SELECT $1, u, CASE WHEN u = $2 THEN 'owner' ELSE 'member' END FROM unnest($3::uuid[]) WITH ORDINALITY AS t(u, n) ORDER BY n`,
        [id, owner, [owner, ...others]],
      );
    });
    const conversation = await this.readModel.conversation(id, owner);
    this.events.publish(new ConversationCreatedEvent(conversation, [owner, ...others]));
    return conversation;
  }
}
