import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { GroupAdmission } from '../../domain/membership';
import { MessagingReadModel } from '../../domain/read-model';
import { requireGroupManager } from '../../domain/roles';
import { ConversationView } from '../../domain/views';
import { ConversationCreatedEvent, ConversationUpdatedEvent, MembersAddedEvent } from '../../events/messaging.events';
import { AddMembersCommand } from './add-members.command';

/** New members join at the current seq: they see history from there on, and nothing is unread. */
@CommandHandler(AddMembersCommand)
export class AddMembersHandler implements ICommandHandler<AddMembersCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly admission: GroupAdmission,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: AddMembersCommand): Promise<ConversationView> {
    const { added, memberIds } = await inTransaction(this.dataSource, async (manager) => {
      // Lock, then read: membership changes (and the size cap) are serialised by the conversation's lock.
      const me = await this.readModel.lockAsMember(cmd.conversationId, cmd.actor.userId, manager);
      requireGroupManager(me);
      const current = await this.readModel.memberIds(cmd.conversationId, manager);
      const newcomers = cmd.userIds.filter((id) => !current.includes(id));
      await this.admission.check(manager, cmd.actor.userId, newcomers, current.length, 'userIds');
      if (newcomers.length > 0) {
        await manager.query(
          `INSERT INTO conversation_members (conversation_id, user_id, role, joined_seq, last_read_seq, last_delivered_seq)
           SELECT $1, u, 'member', c.last_seq, c.last_seq, c.last_seq FROM conversations c, unnest($2::uuid[]) AS u WHERE c.id = $1`,
          [cmd.conversationId, newcomers],
        );
        await manager.query(`UPDATE conversations SET last_activity_at = now(), changed_at = now() WHERE id = $1`, [cmd.conversationId]);
      }
      return { added: newcomers, memberIds: [...current, ...newcomers] };
    });
    if (added.length > 0) {
      this.events.publish(new ConversationCreatedEvent(await this.readModel.conversation(cmd.conversationId, added[0]), added));
      this.events.publish(new MembersAddedEvent(cmd.conversationId, added, memberIds));
      this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    }
    return this.readModel.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
