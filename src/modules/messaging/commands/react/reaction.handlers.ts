import { Inject } from '@nestjs/common';
import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../../../config/config';
import { queryRows } from '../../../../database/query-rows';
import { inTransaction } from '../../../../database/transaction';
import { MessagingReadModel } from '../../domain/read-model';
import { ReactionChangedEvent } from '../../events/messaging.events';
import { AddReactionCommand, RemoveReactionCommand } from './reaction.command';

/**
 * Idempotent: adding a reaction twice or removing an absent one changes nothing and emits
 * nothing. A user puts at most MESSAGE_MAX_REACTIONS_PER_USER distinct reactions on one
 * message (409 beyond); the count is exact because it is taken under the conversation's lock.
 */
@CommandHandler(AddReactionCommand)
export class AddReactionHandler implements ICommandHandler<AddReactionCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(cmd: AddReactionCommand): Promise<void> {
    const max = this.config.messaging.maxReactionsPerUser;
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const msg = await this.readModel.lockVisibleMessage(cmd.messageId, cmd.actor.userId, manager);
      if (msg.deleted_at) throw AppError.conflict('The message has been deleted');
      if (await this.readModel.blockedDirect(msg.conversation_id, manager)) throw AppError.forbidden('You cannot react in this conversation');
      const [row] = await queryRows<{ inserted: boolean; existed: boolean }>(
        manager,
        `WITH mine AS (
           SELECT emoji FROM message_reactions WHERE message_id = $1 AND user_id = $2
         ), ins AS (
           INSERT INTO message_reactions (message_id, user_id, emoji)
           SELECT $1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM mine WHERE emoji = $3) AND (SELECT count(*) FROM mine) < $4
           ON CONFLICT DO NOTHING RETURNING emoji
         )
         SELECT EXISTS (SELECT 1 FROM ins) AS inserted, EXISTS (SELECT 1 FROM mine WHERE emoji = $3) AS existed`,
        [msg.id, cmd.actor.userId, cmd.emoji, max],
      );
      if (row.existed) return null;
      if (!row.inserted) throw AppError.conflict(`You can put at most ${max} different reactions on one message`);
      await manager.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [msg.conversation_id]);
      return { conversationId: msg.conversation_id, memberIds: await this.readModel.memberIdsWhoSee(msg.conversation_id, msg.seq, manager) };
    });
    if (!outcome) return;
    this.events.publish(new ReactionChangedEvent('added', cmd.messageId, outcome.conversationId, cmd.emoji, cmd.actor.userId, outcome.memberIds));
  }
}

@CommandHandler(RemoveReactionCommand)
export class RemoveReactionHandler implements ICommandHandler<RemoveReactionCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: RemoveReactionCommand): Promise<void> {
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const msg = await this.readModel.lockVisibleMessage(cmd.messageId, cmd.actor.userId, manager);
      const removed = await queryRows(
        manager,
        `DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING emoji`,
        [msg.id, cmd.actor.userId, cmd.emoji],
      );
      if (removed.length === 0) return null;
      await manager.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [msg.conversation_id]);
      return { conversationId: msg.conversation_id, memberIds: await this.readModel.memberIdsWhoSee(msg.conversation_id, msg.seq, manager) };
    });
    if (!outcome) return;
    this.events.publish(new ReactionChangedEvent('removed', cmd.messageId, outcome.conversationId, cmd.emoji, cmd.actor.userId, outcome.memberIds));
  }
}
