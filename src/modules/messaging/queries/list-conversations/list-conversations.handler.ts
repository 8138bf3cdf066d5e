import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { CURSOR_MICROS, CURSOR_UUID, decodeCursor, encodeCursor, microsKey, microsParam, Page } from '../../../../common/pagination/cursor';
import { MessagingReadModel } from '../../domain/read-model';
import { ConversationView } from '../../domain/views';
import { ListConversationsQuery } from './list-conversations.query';

/** Newest activity first, keyset-paged on (last_activity_at, id). */
@QueryHandler(ListConversationsQuery)
export class ListConversationsHandler implements IQueryHandler<ListConversationsQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: MessagingReadModel,
  ) {}

  async execute(query: ListConversationsQuery): Promise<Page<ConversationView>> {
    const params: unknown[] = [query.actor.userId, query.limit + 1];
    let keyset = '';
    if (query.cursor) {
      const c = decodeCursor(query.cursor, { t: CURSOR_MICROS, id: CURSOR_UUID });
      params.push(c.t, c.id);
      keyset = `AND (c.last_activity_at, c.id) < (${microsParam('$3')}, $4::uuid)`;
    }
    const rows: { id: string; activity_key: string }[] = await this.dataSource.query(
      `SELECT c.id, ${microsKey('c.last_activity_at')} AS activity_key
         FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
        WHERE me.user_id = $1 ${keyset}
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $2`,
      params,
    );
    const hasMore = rows.length > query.limit;
    const kept = hasMore ? rows.slice(0, query.limit) : rows;
    const items = await this.readModel.conversations(
      kept.map((r) => r.id),
      query.actor.userId,
    );
    const last = kept[kept.length - 1];
    return { items, nextCursor: hasMore && last ? encodeCursor({ t: last.activity_key, id: last.id }) : null };
  }
}
