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
      `INSERT INTO message_reactions (message_id, user_id, emoji)
       SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1 AND deleted_at IS NULL)
       ON CONFLICT DO NOTHING RETURNING emoji`,
      [msg.id, cmd.actor.userId, cmd.emoji],
    );
    if (inserted.length === 0) return;
    await this.dataSource.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [msg.conversation_id]);
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
      `DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3 RETURNING emoji`,
      [msg.id, cmd.actor.userId, cmd.emoji],
    );
    if (removed.length === 0) return;
    await this.dataSource.query(`UPDATE conversations SET changed_at = now() WHERE id = $1`, [msg.conversation_id]);
    const memberIds = await this.readModel.memberIds(msg.conversation_id);
    this.events.publish(new ReactionChangedEvent('removed', msg.id, msg.conversation_id, cmd.emoji, cmd.actor.userId, memberIds));
  }
}
