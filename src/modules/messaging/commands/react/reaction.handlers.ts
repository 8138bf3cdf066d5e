import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { Db } from '../../../../database/db';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { ReactionChangedEvent } from '../../events/messaging.events';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { MessagesRepository } from '../../repositories/messages.repository';
import { AddReactionCommand, RemoveReactionCommand } from './reaction.command';

/**
 * Idempotent: adding a reaction twice or removing an absent one changes nothing and emits
 * nothing. A user puts at most MESSAGE_MAX_REACTIONS_PER_USER distinct reactions on one
 * message (409 beyond); the count is exact because it is taken under the conversation's lock.
 */
@CommandHandler(AddReactionCommand)
export class AddReactionHandler implements ICommandHandler<AddReactionCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: AddReactionCommand): Promise<void> {
    const max = this.config.messaging.maxReactionsPerUser;
    const outcome = await this.db.transaction(async (tx) => {
      const msg = await this.access.lockMessage(cmd.messageId, cmd.actor.userId, tx);
      if (msg.deleted_at) throw AppError.conflict('The message has been deleted');
      if (await this.conversations.blockedDirect(msg.conversation_id, tx)) throw AppError.forbidden('You cannot react in this conversation');
      const { inserted, existed } = await this.messages.addReaction(msg.id, cmd.actor.userId, cmd.emoji, max, tx);
      if (existed) return null;
      if (!inserted) throw AppError.conflict(`You can put at most ${max} different reactions on one message`);
      await this.conversations.touchChanged(msg.conversation_id, tx);
      return { conversationId: msg.conversation_id, memberIds: await this.audience.ofMessage(msg.conversation_id, msg.seq, tx) };
    });
    if (!outcome) return;
    this.events.publish(new ReactionChangedEvent('added', cmd.messageId, outcome.conversationId, cmd.emoji, cmd.actor.userId, outcome.memberIds));
  }
}

@CommandHandler(RemoveReactionCommand)
export class RemoveReactionHandler implements ICommandHandler<RemoveReactionCommand> {
  constructor(
    private readonly db: Db,
    private readonly access: ConversationAccess,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly audience: Audience,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RemoveReactionCommand): Promise<void> {
    const outcome = await this.db.transaction(async (tx) => {
      const msg = await this.access.lockMessage(cmd.messageId, cmd.actor.userId, tx);
      if (!(await this.messages.removeReaction(msg.id, cmd.actor.userId, cmd.emoji, tx))) return null;
      await this.conversations.touchChanged(msg.conversation_id, tx);
      return { conversationId: msg.conversation_id, memberIds: await this.audience.ofMessage(msg.conversation_id, msg.seq, tx) };
    });
    if (!outcome) return;
    this.events.publish(new ReactionChangedEvent('removed', cmd.messageId, outcome.conversationId, cmd.emoji, cmd.actor.userId, outcome.memberIds));
  }
}
