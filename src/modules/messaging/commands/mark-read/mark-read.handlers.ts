import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppError } from '../../../../common/errors/app-error';
import { queryRows } from '../../../../database/query-rows';
import { MessagingReadModel } from '../../domain/read-model';
import { DeliveredStateView, ReadStateView } from '../../domain/views';
import { ConversationDeliveredEvent, ConversationReadEvent } from '../../events/messaging.events';
import { MarkDeliveredCommand, MarkReadCommand } from './mark-read.command';

const MOVE_SQL = {
  // Reading implies delivery.
  read: `UPDATE conversation_members SET last_read_seq = $3, last_delivered_seq = GREATEST(last_delivered_seq, $3)
          WHERE conversation_id = $1 AND user_id = $2 AND last_read_seq < $3 RETURNING last_read_seq AS seq`,
  delivered: `UPDATE conversation_members SET last_delivered_seq = $3
          WHERE conversation_id = $1 AND user_id = $2 AND last_delivered_seq < $3 RETURNING last_delivered_seq AS seq`,
} as const;
const CURRENT_COLUMN = { read: 'last_read_seq', delivered: 'last_delivered_seq' } as const;

/**
 * Moves one of the caller's pointers forward, in one statement: a lower seq is a no-op
 * answered with the current pointer; a seq above the conversation's lastSeq is refused.
 */
async function movePointer(
  dataSource: DataSource,
  readModel: MessagingReadModel,
  kind: 'read' | 'delivered',
  cmd: MarkReadCommand | MarkDeliveredCommand,
): Promise<{ seq: number; moved: boolean }> {
  const me = await readModel.requireMember(cmd.conversationId, cmd.actor.userId);
  if (cmd.seq > Number(me.last_seq)) {
    throw AppError.validation(`seq must not be above the conversation's lastSeq (${me.last_seq})`, [
      { field: 'seq', message: `must be at most ${me.last_seq}` },
    ]);
  }
  const [row] = await queryRows<{ moved: boolean; seq: string }>(
    dataSource.manager,
    `WITH upd AS (${MOVE_SQL[kind]})
     SELECT EXISTS (SELECT 1 FROM upd) AS moved, coalesce((SELECT seq FROM upd), me.${CURRENT_COLUMN[kind]}) AS seq
       FROM conversation_members me WHERE me.conversation_id = $1 AND me.user_id = $2`,
    [cmd.conversationId, cmd.actor.userId, cmd.seq],
  );
  if (!row) throw AppError.notFound('Conversation');
  return { seq: Number(row.seq), moved: row.moved };
}

/** A receipt goes to every member, except across a block: then only to the reader's own devices. */
async function receiptRecipients(readModel: MessagingReadModel, cmd: MarkReadCommand | MarkDeliveredCommand): Promise<string[]> {
  return (await readModel.blockedDirect(cmd.conversationId)) ? [cmd.actor.userId] : readModel.memberIds(cmd.conversationId);
}

@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: MarkReadCommand): Promise<ReadStateView> {
    const { seq, moved } = await movePointer(this.dataSource, this.readModel, 'read', cmd);
    const unreadCount = await this.readModel.unreadCount(cmd.conversationId, cmd.actor.userId);
    if (moved) this.events.publish(new ConversationReadEvent(cmd.conversationId, cmd.actor.userId, seq, await receiptRecipients(this.readModel, cmd)));
    return { conversationId: cmd.conversationId, lastReadSeq: seq, unreadCount };
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
    const { seq, moved } = await movePointer(this.dataSource, this.readModel, 'delivered', cmd);
    if (moved) this.events.publish(new ConversationDeliveredEvent(cmd.conversationId, cmd.actor.userId, seq, await receiptRecipients(this.readModel, cmd)));
    return { conversationId: cmd.conversationId, lastDeliveredSeq: seq };
  }
}
