import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ReceiptView } from '../../domain/views';

export class ListReceiptsQuery extends AppQuery<ReceiptView[], { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  actor: Actor;
}
