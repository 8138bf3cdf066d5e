import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AppError } from '../../../../common/errors/app-error';
import { MemberRole } from '../../domain/views';
import { MessagingReadModel } from '../../domain/read-model';
import { requireGroupManager } from '../../domain/roles';
import { ConversationUpdatedEvent, MemberRemovedEvent } from '../../events/messaging.events';
import { RemoveMemberCommand } from './remove-member.command';

/**
 * Owners and admins remove members (only an owner removes an admin or another owner);
 * anyone may remove themselves (leave). The last owner leaving hands ownership to the
 * oldest admin, else the oldest member; the last member leaving deletes the group.
 */
@CommandHandler(RemoveMemberCommand)
export class RemoveMemberHandler implements ICommandHandler<RemoveMemberCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RemoveMemberCommand): Promise<void> {
    const actorId = cmd.actor.userId;
    const leaving = cmd.userId === actorId;
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      // The conversation first, as every write does (the send statement too): a send by the
      // target that holds it finishes first (and is delivered); a later one is refused.
      const me = await this.readModel.lockAsMember(cmd.conversationId, actorId, manager);
      if (me.type !== 'group') {
        throw AppError.validation('Members of a direct conversation cannot be removed', [{ field: 'conversationId', message: 'is a direct conversation' }]);
      }
      if (!leaving) requireGroupManager(me);
      const rows: { user_id: string; role: MemberRole }[] = await manager.query(
        `SELECT user_id, role FROM conversation_members WHERE conversation_id = $1 ORDER BY joined_at, user_id`,
        [cmd.conversationId],
      );
      const target = rows.find((r) => r.user_id === cmd.userId);
      if (!target) throw AppError.notFound('Member');
      if (!leaving && target.role !== 'member' && me.role !== 'owner') throw AppError.forbidden('Only an owner can remove an owner or an admin');

      await manager.query(`DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2`, [cmd.conversationId, cmd.userId]);
      const remaining = rows.filter((r) => r.user_id !== cmd.userId);
      if (remaining.length === 0) {
        await manager.query(`DELETE FROM conversations WHERE id = $1`, [cmd.conversationId]);
        return { remaining: [], deleted: true, promoted: null };
      }
      let promoted: string | null = null;
      if (target.role === 'owner' && !remaining.some((r) => r.role === 'owner')) {
        promoted = (remaining.find((r) => r.role === 'admin') ?? remaining[0]).user_id;
        await manager.query(`UPDATE conversation_members SET role = 'owner' WHERE conversation_id = $1 AND user_id = $2`, [cmd.conversationId, promoted]);
      }
      await manager.query(`UPDATE conversations SET last_activity_at = now(), changed_at = now() WHERE id = $1`, [cmd.conversationId]);
      return { remaining: remaining.map((r) => r.user_id), deleted: false, promoted };
    });
    this.events.publish(new MemberRemovedEvent(cmd.conversationId, cmd.userId, outcome.remaining, outcome.deleted));
    if (!outcome.deleted) this.events.publish(new ConversationUpdatedEvent(cmd.conversationId, outcome.remaining));
  }
}
