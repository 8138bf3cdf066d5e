import { Actor, AppQuery } from '../../../../common/cqrs/app-command';
import { Page, PageCursor, PageLimit } from '../../../../common/pagination/cursor';
import { ConversationView } from '../../domain/views';

export class ListConversationsQuery extends AppQuery<Page<ConversationView>, { actor: Actor }> {
  @PageLimit()
  limit = 50;

  @PageCursor()
  cursor?: string;

  actor: Actor;
}
