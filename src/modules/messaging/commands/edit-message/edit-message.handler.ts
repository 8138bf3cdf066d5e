import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { MessagingViews } from '../../domain/messaging-views';
import { MessageView } from '../../domain/views';
import { MessageEditedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MessagesRepository } from '../../repositories/messages.repository';
import { EditMessageCommand } from './edit-message.command';

/**
 * Sender only. The previous content is kept in message_edits; version grows by one. At most
 * MESSAGE_MAX_EDITS previous versions are kept: the edit after that is refused (409).
 */
@CommandHandler(EditMessageCommand)
export class EditMessageHandler implements ICommandHandler<EditMessageCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: EditMessageCommand): Promise<MessageView> {
    const userId = cmd.actor.userId;
    const { row, memberIds } = await this.db.transaction(async (tx) => {
      const current = await this.access.lockMessage(cmd.messageId, userId, tx);
      if (current.sender_id !== userId) throw AppError.forbidden('Only the sender can edit a message');
      if (current.deleted_at) throw AppError.conflict('The message has been deleted');
      if (await this.conversations.blockedDirect(current.conversation_id, tx)) throw AppError.forbidden('You cannot send messages in this conversation');
      if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== current.version) {
        throw AppError.conflict(`The message is at version ${current.version}, not ${cmd.expectedVersion}`);
      }
      if (current.content === cmd.content) return { row: current, memberIds: null };
      if (current.version > this.config.messaging.maxEdits) {
        throw AppError.conflict(`A message can be edited at most ${this.config.messaging.maxEdits} times`);
      }
      const updated = await this.messages.replaceContent(current, cmd.content, tx);
      await this.conversations.touchChanged(current.conversation_id, tx);
      return { row: updated, memberIds: await this.audience.ofMessage(current.conversation_id, current.seq, tx) };
    });
    const message = await this.views.message(row, userId);
    if (memberIds) {
      const { shared, perUser } = await this.views.viewsPerReactor(row);
      this.events.publish(new MessageEditedEvent(shared, memberIds, perUser));
    }
    return message;
  }
}
