import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
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
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const { msg, isSystemAdmin } = await this.loadForDelete(manager, cmd.messageId, actor.userId);
      const isSender = msg.sender_id === actor.userId;
      const isModerator = msg.type === 'group' && (msg.role === 'owner' || msg.role === 'admin');
      if (!isSender && !isModerator && !isSystemAdmin) throw AppError.forbidden('You cannot delete this message');
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
      return { msg, memberIds: await this.readModel.memberIdsWhoSee(msg.conversation_id, msg.seq, manager) };
    });
    if (outcome) {
      const { msg, memberIds } = outcome;
      this.events.publish(new MessageDeletedEvent(msg.id, msg.conversation_id, Number(msg.seq), actor.userId, memberIds));
    }
    return { id: cmd.messageId };
  }

  /**
   * Members see messages from their join point; a system admin may act on any message. The
   * conversation is locked first (the one lock order), and the admin role is read from the
   * database, never from the token, so a demoted admin loses it at once.
   */
  private async loadForDelete(manager: EntityManager, messageId: string, userId: string) {
    const [found] = await queryRows<{ conversation_id: string; is_admin: boolean }>(
      manager,
      `SELECT m.conversation_id, EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role = 'admin' AND u.banned_at IS NULL) AS is_admin
         FROM messages m WHERE m.id = $1`,
      [messageId, userId],
    );
    if (!found || !(await this.readModel.lockConversation(found.conversation_id, manager))) throw AppError.notFound('Message');
    if (!found.is_admin) return { msg: await this.readModel.requireVisibleMessage(messageId, userId, manager, true), isSystemAdmin: false };
    const [row] = await queryRows<MessageRow & { role: string | null; type: 'direct' | 'group' }>(
      manager,
      `SELECT m.*, me.role, c.type FROM messages m JOIN conversations c ON c.id = m.conversation_id
         LEFT JOIN conversation_members me ON me.conversation_id = m.conversation_id AND me.user_id = $2
        WHERE m.id = $1 FOR NO KEY UPDATE OF m`,
      [messageId, userId],
    );
    if (!row) throw AppError.notFound('Message');
    return { msg: row, isSystemAdmin: true };
  }
}
