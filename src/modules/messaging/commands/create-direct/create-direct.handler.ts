import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { inTransaction } from '../../../../database/transaction';
import { v7 as uuidv7 } from 'uuid';
import { AppError } from '../../../../common/errors/app-error';
import { blockedBetween, existingUsers } from '../../domain/blocks';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationCreatedEvent } from '../../events/messaging.events';
import { CreateDirectConversationCommand, CreateDirectResult } from './create-direct.command';

/**
 * Get-or-create. The pair is stored sorted under a unique index, so two simultaneous
 * creations (from either side) end with one conversation: the loser's insert does nothing
 * and it reads the winner's row.
 */
@CommandHandler(CreateDirectConversationCommand)
export class CreateDirectConversationHandler implements ICommandHandler<CreateDirectConversationCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: CreateDirectConversationCommand): Promise<CreateDirectResult> {
    const me = cmd.actor.userId;
    if (cmd.userId === me) {
      throw AppError.validation('You cannot start a direct conversation with yourself', [{ field: 'userId', message: 'must not be your own id' }]);
    }
    const [low, high] = me < cmd.userId ? [me, cmd.userId] : [cmd.userId, me];
    const { id, created } = await inTransaction(this.dataSource, async (manager) => {
      if (!(await existingUsers(manager, [cmd.userId])).has(cmd.userId)) throw AppError.notFound('User');
      if ((await blockedBetween(manager, me, [cmd.userId])).length > 0) {
        throw AppError.forbidden('You cannot start a conversation with this user');
      }
      const inserted: { id: string }[] = await manager.query(
        `INSERT INTO conversations (id, type, direct_user_low, direct_user_high, created_by)
         VALUES ($1, 'direct', $2, $3, $4)
         ON CONFLICT (direct_user_low, direct_user_high) WHERE type = 'direct' DO NOTHING RETURNING id`,
        [uuidv7(), low, high, me],
      );
      if (inserted[0]) {
        await manager.query(
          `INSERT INTO conversation_members (conversation_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`,
          [inserted[0].id, low, high],
        );
        return { id: inserted[0].id, created: true };
      }
      const found: { id: string }[] = await manager.query(
        `SELECT id FROM conversations WHERE type = 'direct' AND direct_user_low = $1 AND direct_user_high = $2`,
        [low, high],
      );
      return { id: found[0].id, created: false };
    });
    const conversation = await this.readModel.conversation(id, me);
    if (created) this.events.publish(new ConversationCreatedEvent(conversation, [me, cmd.userId]));
    return { conversation, created };
  }
}
