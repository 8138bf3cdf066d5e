import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Db } from '../../../../database/db';
import { AuditLog } from '../../../audit';
import { IdentityDirectory } from '../../../identity';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessageDeletedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MessagesRepository, MessageWithMembership } from '../../repositories/messages.repository';
import { DeleteMessageCommand } from './delete-message.command';

/** In what capacity someone may delete a message, or null if they may not. */
export type DeleteCapacity = 'sender' | 'owner' | 'admin' | 'system_admin';

/**
 * The sender may delete their message; so may a group's owner or admin (never in a direct
 * conversation), and a system administrator, member or not. Sender first: a moderator deleting
 * their own message acts as its sender (and is not audited).
 */
export function deleteCapacity(msg: Pick<MessageWithMembership, 'sender_id' | 'role' | 'type'>, actorId: string, isSystemAdmin: boolean): DeleteCapacity | null {
  if (msg.sender_id === actorId) return 'sender';
  if (msg.type === 'group' && (msg.role === 'owner' || msg.role === 'admin')) return msg.role;
  return isSystemAdmin ? 'system_admin' : null;
}

/**
 * Leaves a tombstone (content null, seq kept), its edit history and reactions purged with it.
 * Deleting an already-deleted message is a no-op. A delete by anyone but the sender is
 * written to the audit log, in the same transaction.
 */
@CommandHandler(DeleteMessageCommand)
export class DeleteMessageHandler implements ICommandHandler<DeleteMessageCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly directory: IdentityDirectory,
    private readonly audit: AuditLog,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: DeleteMessageCommand): Promise<{ id: string }> {
    const actorId = cmd.actor.userId;
    const outcome = await this.db.transaction(async (tx) => {
      // The admin role is read from the database, never from the token: a demoted admin loses it at once.
      const isSystemAdmin = await this.directory.isActiveAdmin(actorId, tx);
      const msg = await this.access.lockMessage(cmd.messageId, actorId, tx, isSystemAdmin);
      const capacity = deleteCapacity(msg, actorId, isSystemAdmin);
      if (!capacity) throw AppError.forbidden('You cannot delete this message');
      if (msg.deleted_at) return null;
      await this.messages.tombstone(msg.id, actorId, tx);
      await this.conversations.touchChanged(msg.conversation_id, tx);
      if (capacity !== 'sender') {
        await this.audit.record(
          {
            actorId,
            action: 'message.delete',
            targetType: 'message',
            targetId: msg.id,
            conversationId: msg.conversation_id,
            details: { senderId: msg.sender_id, seq: Number(msg.seq), as: capacity },
          },
          tx,
        );
      }
      return { msg, memberIds: await this.audience.ofMessage(msg.conversation_id, msg.seq, tx) };
    });
    if (outcome) {
      const { msg, memberIds } = outcome;
      this.events.publish(new MessageDeletedEvent(msg.id, msg.conversation_id, Number(msg.seq), actorId, memberIds));
    }
    return { id: cmd.messageId };
  }
}
