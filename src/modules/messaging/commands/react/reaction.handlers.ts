import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../domain/read-model';
import { ReactionChangedEvent } from '../../events/messaging.events';
import { AddReactionCommand, RemoveReactionCommand } from './reaction.command';

/** Idempotent: adding a reaction twice or removing an absent one changes nothing and emits nothing. */
@CommandHandler(AddReactionCommand)
export class AddReactionHandler implements ICommandHandler<AddReactionCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: AddReactionCommand): Promise<void> {
    const msg = await this.readModel.requireVisibleMessage(cmd.messageId, cmd.actor.userId);
    if (msg.deleted_at) throw AppError.conflict('The message has been deleted');
    const inserted = await queryRows(
      this.dataSource.manager,
      `WITH ins AS (
         INSERT INTO message_reactions (message_id, user_id, emoji)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1 AND deleted_at IS NULL)
         ON CONFLICT DO NOTHING RETURNING emoji
       ), touched AS (
         UPDATE conversations SET changed_at = now() WHERE id = $4 AND EXISTS (SELECT 1 FROM ins)
       )
       SELECT emoji FROM ins`,
      [msg.id, cmd.actor.userId, cmd.emoji, msg.conversation_id],
    );
    if (inserted.length === 0) return;
    const memberIds = await this.readModel.memberIds(msg.conversation_id);
    this.events.publish(new ReactionChangedEvent('added', msg.id, msg.conversation_id, cmd.emoji, cmd.actor.userId, memberIds));
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
    const msg = await this.readModel.requireVisibleMessage(cmd.messageId, cmd.actor.userId);
    const removed = await queryRows(
      this.dataSource.manager,
      `WITH del AS (
         DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING emoji
       ), touched AS (
         UPDATE conversations SET changed_at = now() WHERE id = $4 AND EXISTS (SELECT 1 FROM del)
       )
       SELECT emoji FROM del`,
      [msg.id, cmd.actor.userId, cmd.emoji, msg.conversation_id],
    );
    if (removed.length === 0) return;
    const memberIds = await this.readModel.memberIds(msg.conversation_id);
    this.events.publish(new ReactionChangedEvent('removed', msg.id, msg.conversation_id, cmd.emoji, cmd.actor.userId, memberIds));
  }
}
