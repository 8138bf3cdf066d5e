import { AppQuery, Actor } from '../../../../common/cqrs/app-command';
import { Page, PageCursor, PageLimit } from '../../../../common/pagination/cursor';
import { BlockView } from '../../domain/user.views';

export class ListBlocksQuery extends AppQuery<Page<BlockView>, { actor: Actor }> {
  @PageLimit()
  limit = 50;

  @PageCursor()
  cursor?: string;

  actor: Actor;
}
