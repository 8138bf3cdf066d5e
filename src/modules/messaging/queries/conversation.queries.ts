import { Actor, AppQuery } from '../../../common/cqrs/app-command';
import { Page, PageCursor, PageLimit } from '../../../common/pagination/cursor';
import { ConversationIdField } from '../domain/fields';
import { ConversationView, ReceiptView } from '../domain/views';

export class ListConversationsQuery extends AppQuery<Page<ConversationView>> {
  @PageLimit()
  limit = 50;

  @PageCursor()
  cursor?: string;

  actor: Actor;
}

export class GetConversationQuery extends AppQuery<ConversationView> {
  @ConversationIdField()
  conversationId: string;

  actor: Actor;
}

export class ListReceiptsQuery extends AppQuery<ReceiptView[]> {
  @ConversationIdField()
  conversationId: string;

  actor: Actor;
}
