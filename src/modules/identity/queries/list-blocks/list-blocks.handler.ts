import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { CURSOR_MICROS, CURSOR_UUID, decodeCursor, microsKey, microsParam, Page, toPage } from '../../../../common/pagination/cursor';
import { BlockView, toPublicUser } from '../../domain/user.views';
import { ListBlocksQuery } from './list-blocks.query';

interface BlockRow {
  blocked_id: string;
  created_at: Date;
  created_at_key: string;
  username: string;
  display_name: string;
  user_created_at: Date;
}

/** The caller's blocks, newest first, keyset-paged on (created_at, blocked_id), users joined in one query. */
@QueryHandler(ListBlocksQuery)
export class ListBlocksHandler implements IQueryHandler<ListBlocksQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: ListBlocksQuery): Promise<Page<BlockView>> {
    const params: unknown[] = [query.actor.userId, query.limit + 1];
    let keyset = '';
    if (query.cursor) {
      const c = decodeCursor(query.cursor, { t: CURSOR_MICROS, id: CURSOR_UUID });
      params.push(c.t, c.id);
      keyset = `AND (b.created_at, b.blocked_id) < (${microsParam('$3')}, $4::uuid)`;
    }
    const rows: BlockRow[] = await this.dataSource.query(
      `SELECT b.blocked_id, b.created_at, ${microsKey('b.created_at')} AS created_at_key, u.username, u.display_name, u.created_at AS user_created_at
         FROM user_blocks b JOIN users u ON u.id = b.blocked_id
        WHERE b.blocker_id = $1 ${keyset}
        ORDER BY b.created_at DESC, b.blocked_id DESC
        LIMIT $2`,
      params,
    );
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
