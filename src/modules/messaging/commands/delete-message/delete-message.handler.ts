import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../domain/read-model';
import { MessageRow } from '../../domain/views';
import { MessageDeletedEvent } from '../../events/messaging.events';
import { DeleteMessageCommand } from './delete-message.command';

/**
 * Leaves a tombstone (content null, seq kept). Allowed to the sender, a group owner or
 * admin, and system admins; a delete by anyone but the sender is written to the audit log.
 * Deleting an already-deleted message is a no-op. Its edit history is purged with it.
 */
@CommandHandler(DeleteMessageCommand)
export class DeleteMessageHandler implements ICommandHandler<DeleteMessageCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: DeleteMessageCommand): Promise<{ id: string }> {
    const actor = cmd.actor;
    const outcome = await this.dataSource.transaction(async (manager) => {
      const msg = await this.loadForDelete(manager, cmd.messageId, actor.userId, actor.role === 'admin');
      const isSender = msg.sender_id === actor.userId;
      const isModerator = msg.type === 'group' && (msg.role === 'owner' || msg.role === 'admin');
      if (!isSender && !isModerator && actor.role !== 'admin') throw AppError.forbidden('You cannot delete this message');
      if (msg.deleted_at) return null;
      await manager.query(`UPDATE messages SET content = NULL, deleted_at = now(), deleted_by = $2 WHERE id = $1`, [msg.id, actor.userId]);
      // A deleted message keeps no text anywhere: previous versions and reactions go too.
      await manager.query(`DELETE FROM message_reactions WHERE message_id = $1`, [msg.id]);
      await manager.query(`DELETE FROM message_edits WHERE message_id = $1`, [msg.id]);
      await manager.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [msg.conversation_id]);
      if (!isSender) {
        await manager.query(
          `INSERT INTO audit_log (id, actor_id, action, target_type, target_id, conversation_id, details)
           VALUES ($1, $2, 'message.delete', 'message', $3, $4, $5)`,
          [uuidv7(), actor.userId, msg.id, msg.conversation_id, JSON.stringify({ senderId: msg.sender_id, seq: Number(msg.seq), as: isModerator ? msg.role : 'system_admin' })],
        );
      }
      return { msg, memberIds: await this.readModel.memberIds(msg.conversation_id, manager) };
    });
    if (outcome) {
      const { msg, memberIds } = outcome;
      this.events.publish(new MessageDeletedEvent(msg.id, msg.conversation_id, Number(msg.seq), actor.userId, memberIds));
    }
    return { id: cmd.messageId };
  }

  /** Members see messages from their join point; a system admin may act on any message. */
  private async loadForDelete(manager: import('typeorm').EntityManager, messageId: string, userId: string, isSystemAdmin: boolean) {
    if (!isSystemAdmin) return this.readModel.requireVisibleMessage(messageId, userId, manager, true);
    const [row] = await queryRows<MessageRow & { role: string | null; type: 'direct' | 'group' }>(
      manager,
      `SELECT m.*, me.role, c.type FROM messages m JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = $2
        WHERE m.id = $1 FOR UPDATE OF m`,
      [messageId, userId],
    );
    if (!row) throw AppError.notFound('Message');
    return row;
  }
}
