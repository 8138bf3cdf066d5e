import { Logger } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { safeError } from '../../../../common/errors/http-exception.filter';
import { pgError } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { MessagingViews } from '../../domain/messaging-views';
import { toMessageView } from '../../domain/views';
import { MessageSentEvent } from '../../events/messaging.events';
import { DUPLICATE_SEND_CONSTRAINT, MessagesRepository, SendOutcome } from '../../repositories/messages.repository';
import { SendMessageCommand, SendMessageResult } from './send-message.command';

/**
 * One statement does the send (MessagesRepository.send: locks, checks, seq, insert, pointers,
 * outbox); this handler turns its outcome into the answer and the event.
 */
@CommandHandler(SendMessageCommand)
export class SendMessageHandler implements ICommandHandler<SendMessageCommand> {
  private readonly logger = new Logger(SendMessageHandler.name);

  constructor(
    private readonly messages: MessagesRepository,
    private readonly audience: Audience,
    private readonly views: MessagingViews,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: SendMessageCommand): Promise<SendMessageResult> {
    const userId = cmd.actor.userId;
    // No attachment exists until the attachments module lands: every id is unknown.
    if (cmd.attachmentIds?.length) throw AppError.notFound('Attachment');
    let row: SendOutcome;
    try {
      row = await this.messages.send({
        id: uuidv7(),
        conversationId: cmd.conversationId,
        senderId: userId,
        clientMessageId: cmd.clientMessageId,
        content: cmd.content ?? null,
        replyToId: cmd.replyToId ?? null,
      });
    } catch (err) {
      if (isDuplicateSend(err)) return { message: await this.original(cmd), created: false };
      throw err;
    }
    if (!row.conv_type || !row.is_member) throw AppError.notFound('Conversation');
    if (row.existing) return { message: await this.views.message(row.existing, userId), created: false };
    if (row.blocked) throw AppError.forbidden('You cannot send messages in this conversation');
    if (cmd.replyToId && !row.reply_ok) throw AppError.notFound('Reply target message');
    // Nothing inserted and no reason above: the conversation went away while we waited for it.
    if (!row.inserted) throw AppError.notFound('Conversation');

    const message = toMessageView(row.inserted);
    // Committed: from here on nothing may turn the answer into an error. The audience is read
    // after commit (the statement's snapshot predates any membership change it waited for), so
    // a member added meanwhile whose history holds the message gets it and one removed does not.
    // Should the database not answer in time, the statement's own list serves (it can miss only
    // a member added in the same instant, who catches up by seq).
    const recipients = await this.audience.ofMessage(message.conversationId, message.seq).catch((err: unknown) => {
      this.logger.warn({ err: safeError(err), messageId: message.id }, 'recipients read from the send statement');
      return row.snapshot_recipients ?? [];
    });
    this.events.publish(new MessageSentEvent(message, recipients));
    return { message, created: true };
  }

  private async original(cmd: SendMessageCommand): Promise<SendMessageResult['message']> {
    const original = await this.messages.original(cmd.conversationId, cmd.actor.userId, cmd.clientMessageId);
    if (!original) throw new Error('duplicate send without an original');
    return this.views.message(original, cmd.actor.userId);
  }
}

function isDuplicateSend(err: unknown): boolean {
  const { code, constraint } = pgError(err);
  return code === '23505' && constraint === DUPLICATE_SEND_CONSTRAINT;
}
