import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { AppError } from '../../../../common/errors/app-error';
import { MESSAGE_COLUMNS, MessagingReadModel } from '../../domain/read-model';
import { MessageRow, MessageView } from '../../domain/views';
import { queryRows } from '../../../../database/query-rows';
import { MessageEditedEvent } from '../../events/messaging.events';
import { EditMessageCommand } from './edit-message.command';

/**
 * Sender only. The previous content is kept in message_edits; version grows by one. At most
 * MESSAGE_MAX_EDITS previous versions are kept: the edit after that is refused (409).
 */
@CommandHandler(EditMessageCommand)
export class EditMessageHandler implements ICommandHandler<EditMessageCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: EditMessageCommand): Promise<MessageView> {
    const userId = cmd.actor.userId;
    const { row, memberIds } = await inTransaction(this.dataSource, async (manager) => {
      const current = await this.readModel.lockVisibleMessage(cmd.messageId, userId, manager);
      if (current.sender_id !== userId) throw AppError.forbidden('Only the sender can edit a message');
      if (current.deleted_at) throw AppError.conflict('The message has been deleted');
      if (await this.readModel.blockedDirect(current.conversation_id, manager)) throw AppError.forbidden('You cannot send messages in this conversation');
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== current.version) {
        throw AppError.conflict(`The message is at version ${current.version}, not ${cmd.expectedVersion}`);
      }
      if (current.content === cmd.content) return { row: current, memberIds: null };
      if (current.version > this.config.messaging.maxEdits) {
        throw AppError.conflict(`A message can be edited at most ${this.config.messaging.maxEdits} times`);
      }
      await manager.query(`INSERT INTO message_edits (message_id, version, content) VALUES ($1, $2, $3)`, [
        current.id,
        current.version,
        current.content,
      ]);
      await manager.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [current.conversation_id]);
      const [updated] = await queryRows<MessageRow>(
        manager,
        `UPDATE messages m SET content = $2, version = m.version + 1, edited_at = now() WHERE m.id = $1 RETURNING ${MESSAGE_COLUMNS}`,
        [current.id, cmd.content],
      );
      return { row: updated, memberIds: await this.readModel.memberIdsWhoSee(current.conversation_id, current.seq, manager) };
    });
    const [message] = await this.readModel.toMessages([row], userId);
    if (memberIds) {
      const { shared, perUser } = await this.readModel.viewsPerReactor(row);
      this.events.publish(new MessageEditedEvent(shared, memberIds, perUser));
    }
    return message;
  }
}
