import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationView } from '../../domain/views';
import { ConversationUpdatedEvent } from '../../events/messaging.events';
import { ChangeMemberRoleCommand } from './change-member-role.command';

/** Owners only. A group always keeps at least one owner. */
@CommandHandler(ChangeMemberRoleCommand)
export class ChangeMemberRoleHandler implements ICommandHandler<ChangeMemberRoleCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: ChangeMemberRoleCommand): Promise<ConversationView> {
    const memberIds = await inTransaction(this.dataSource, async (manager) => {
      const me = await this.readModel.lockAsMember(cmd.conversationId, cmd.actor.userId, manager);
      if (me.type !== 'group') throw AppError.validation('Direct conversations have no roles', [{ field: 'conversationId', message: 'is a direct conversation' }]);
      if (me.role !== 'owner') throw AppError.forbidden('Only an owner can change roles');
      const updated = await queryRows<{ user_id: string }>(
        manager,
        `UPDATE conversation_members SET role = $3 WHERE conversation_id = $1 AND user_id = $2 RETURNING user_id`,
        [cmd.conversationId, cmd.userId, cmd.role],
      );
      if (updated.length === 0) throw AppError.notFound('Member');
      const owners: { n: string }[] = await manager.query(`SELECT count(*) AS n FROM conversation_members WHERE conversation_id = $1 AND role = 'owner'`, [
        cmd.conversationId,
      ]);
      if (Number(owners[0].n) === 0) throw AppError.conflict('A group must keep at least one owner');
      return this.readModel.memberIds(cmd.conversationId, manager);
    });
    this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, memberIds));
    return this.readModel.conversation(cmd.conversationId, cmd.actor.userId);
  }
}
