import { Actor, AppCommand } from '../../../../common/cqrs/app-command';
import { ConversationIdField, SeqField } from '../../domain/fields';
import { DeliveredStateView, ReadStateView } from '../../domain/views';

export class MarkReadCommand extends AppCommand<ReadStateView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @SeqField('seq')
  seq: number;

  actor: Actor;
}

export class MarkDeliveredCommand extends AppCommand<DeliveredStateView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  @SeqField('seq')
  seq: number;

  actor: Actor;
}
