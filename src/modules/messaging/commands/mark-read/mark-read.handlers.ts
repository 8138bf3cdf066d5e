import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../domain/read-model';
import { DeliveredStateView, ReadStateView } from '../../domain/views';
import { ConversationDeliveredEvent, ConversationReadEvent } from '../../events/messaging.events';
import { MarkDeliveredCommand, MarkReadCommand } from './mark-read.command';

interface PointerRow {
  moved: boolean;
  last_read_seq: string;
  last_delivered_seq: string;
  last_seq: string;
}

/**
 * Pointers only move forward, in one statement: a lower seq is a no-op answered with
 * the current pointer; a seq above the conversation's lastSeq is refused.
 */
@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: MarkReadCommand): Promise<ReadStateView> {
    const userId = cmd.actor.userId;
    const me = await this.readModel.requireMember(cmd.conversationId, userId);
    if (cmd.seq > Number(me.last_seq)) throw seqTooHigh(me.last_seq);
    const [row] = await queryRows<PointerRow>(
      this.dataSource.manager,
      `WITH upd AS (
         UPDATE conversation_members SET last_read_seq = $3, last_delivered_seq = GREATEST(last_delivered_seq, $3)
          WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3
          RETURNING last_read_seq, last_delivered_seq)
       SELECT EXISTS (SELECT 1 FROM upd) AS moved,
              coalesce((SELECT last_read_seq FROM upd), me.last_read_seq) AS last_read_seq,
              coalesce((SELECT last_delivered_seq FROM upd), me.last_delivered_seq) AS last_delivered_seq
         FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [cmd.conversationId, userId, cmd.seq],
    );
    if (!row) throw AppError.notFound('Conversation');
    const lastReadSeq = Number(row.last_read_seq);
    const unreadCount = await this.readModel.unreadCount(cmd.conversationId, userId);
    if (row.moved) {
      const memberIds = await this.readModel.memberIds(cmd.conversationId);
      this.events.publish(new ConversationReadEvent(cmd.conversationId, userId, lastReadSeq, memberIds));
    }
    return { conversationId: cmd.conversationId, lastReadSeq, unreadCount };
  }
}

@CommandHandler(MarkDeliveredCommand)
export class MarkDeliveredHandler implements ICommandHandler<MarkDeliveredCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: MarkDeliveredCommand): Promise<DeliveredStateView> {
    const userId = cmd.actor.userId;
    const me = await this.readModel.requireMember(cmd.conversationId, userId);
    if (cmd.seq > Number(me.last_seq)) throw seqTooHigh(me.last_seq);
    const [row] = await queryRows<PointerRow>(
      this.dataSource.manager,
      `WITH upd AS (
         UPDATE conversation_members SET last_delivered_seq = $3
          WHERE conversation_id = $1 AND user_id = $2 AND last_delivered_seq < $3
          RETURNING last_delivered_seq)
       SELECT EXISTS (SELECT 1 FROM upd) AS moved,
              coalesce((SELECT last_delivered_seq FROM upd), me.last_delivered_seq) AS last_delivered_seq
         FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = $2`,
      [cmd.conversationId, userId, cmd.seq],
    );
    if (!row) throw AppError.notFound('Conversation');
    const lastDeliveredSeq = Number(row.last_delivered_seq);
    if (row.moved) {
      const memberIds = await this.readModel.memberIds(cmd.conversationId);
      this.events.publish(new ConversationDeliveredEvent(cmd.conversationId, userId, lastDeliveredSeq, memberIds));
    }
    return { conversationId: cmd.conversationId, lastDeliveredSeq };
  }
}

function seqTooHigh(lastSeq: string): AppError {
  return AppError.validation(`seq must not be above the conversation's lastSeq (${lastSeq})`, [
    { field: 'seq', message: `must be at most ${lastSeq}` },
  ]);
}
