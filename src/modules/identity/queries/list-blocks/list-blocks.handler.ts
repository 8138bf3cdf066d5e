import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CURSOR_MICROS, CURSOR_UUID, decodeCursor, Page, toPage } from '../../../../common/pagination/cursor';
import { BlockView, toPublicUser } from '../../domain/user.views';
import { BlocksRepository } from '../../repositories/blocks.repository';
import { ListBlocksQuery } from './list-blocks.query';

/** The caller's blocks, newest first. */
@QueryHandler(ListBlocksQuery)
export class ListBlocksHandler implements IQueryHandler<ListBlocksQuery> {
  constructor(private readonly blocks: BlocksRepository) {}

  async execute(query: ListBlocksQuery): Promise<Page<BlockView>> {
    const after = query.cursor ? decodeCursor(query.cursor, { t: CURSOR_MICROS, id: CURSOR_UUID }) : null;
    const rows = await this.blocks.page(query.actor.userId, after, query.limit + 1);
    return toPage(
      rows,
      query.limit,
      (r) => ({
        userId: r.blocked_id,
        user: toPublicUser({ id: r.blocked_id, username: r.username, displayName: r.display_name, createdAt: r.user_created_at }),
        createdAt: r.created_at.toISOString(),
      }),
      // The key keeps microseconds, so rows made within one millisecond page correctly.
      (r) => ({ t: r.created_at_key, id: r.blocked_id }),
    );
  }
}
