import { CommandHandler, EventBus, ICommandHandler } from '@nestjs/cqrs';
import { AppError } from '../../../../common/errors/app-error';
import { Audience } from '../../domain/audience';
import { ConversationAccess } from '../../domain/conversation-access';
import { DeliveredStateView, ReadStateView } from '../../domain/views';
import { ConversationDeliveredEvent, ConversationReadEvent } from '../../events/messaging.events';
import { MembershipsRepository, Pointer } from '../../repositories/memberships.repository';
import { MarkDeliveredCommand, MarkReadCommand } from './mark-read.command';

/**
 * Moves one of the caller's pointers forward, in one statement: a lower seq is a no-op
 * answered with the current pointer; a seq above the conversation's lastSeq is refused.
 */
async function movePointer(
  access: ConversationAccess,
  memberships: MembershipsRepository,
  kind: Pointer,
  cmd: MarkReadCommand | MarkDeliveredCommand,
): Promise<{ seq: number; moved: boolean }> {
  const me = await access.member(cmd.conversationId, cmd.actor.userId);
  if (cmd.seq > Number(me.last_seq)) {
    throw AppError.validation(`seq must not be above the conversation's lastSeq (${me.last_seq})`, [
      { field: 'seq', message: `must be at most ${me.last_seq}` },
    ]);
  }
  const moved = await memberships.movePointer(kind, cmd.conversationId, cmd.actor.userId, cmd.seq);
  if (!moved) throw AppError.notFound('Conversation');
  return moved;
}

@CommandHandler(MarkReadCommand)
export class MarkReadHandler implements ICommandHandler<MarkReadCommand> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: MarkReadCommand): Promise<ReadStateView> {
    const { seq, moved } = await movePointer(this.access, this.memberships, 'read', cmd);
    const unreadCount = await this.memberships.unreadCount(cmd.conversationId, cmd.actor.userId);
    if (moved) this.events.publish(new ConversationReadEvent(cmd.conversationId, cmd.actor.userId, seq, await this.audience.ofReceipt(cmd.conversationId, cmd.actor.userId)));
    return { conversationId: cmd.conversationId, lastReadSeq: seq, unreadCount };
  }
}

@CommandHandler(MarkDeliveredCommand)
export class MarkDeliveredHandler implements ICommandHandler<MarkDeliveredCommand> {
  constructor(
    private readonly access: ConversationAccess,
    private readonly memberships: MembershipsRepository,
    private readonly audience: Audience,
    private readonly events: EventBus,
  ) {}

  async execute(cmd: MarkDeliveredCommand): Promise<DeliveredStateView> {
    const { seq, moved } = await movePointer(this.access, this.memberships, 'delivered', cmd);
    if (moved) this.events.publish(new ConversationDeliveredEvent(cmd.conversationId, cmd.actor.userId, seq, await this.audience.ofReceipt(cmd.conversationId, cmd.actor.userId)));
    return { conversationId: cmd.conversationId, lastDeliveredSeq: seq };
  }
}
