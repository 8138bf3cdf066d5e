import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { ConversationIdField } from '../../domain/fields';
import { ConversationView } from '../../domain/views';

export class GetConversationQuery extends AppQuery<ConversationView, { actor: Actor }> {
  @ConversationIdField()
  conversationId: string;

  actor: Actor;
}
