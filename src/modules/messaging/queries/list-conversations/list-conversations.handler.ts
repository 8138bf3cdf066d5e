import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CURSOR_MICROS, CURSOR_UUID, decodeCursor, encodeCursor, Page } from '../../../../common/pagination/cursor';
import { MessagingViews } from '../../domain/messaging-views';
import { ConversationView } from '../../domain/views';
import { ConversationsRepository } from '../../repositories/conversations.repository';
import { ListConversationsQuery } from './list-conversations.query';

/** Newest activity first, keyset-paged on (last_activity_at, id). */
@QueryHandler(ListConversationsQuery)
export class ListConversationsHandler implements IQueryHandler<ListConversationsQuery> {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly views: MessagingViews,
  ) {}

  async execute(query: ListConversationsQuery): Promise<Page<ConversationView>> {
    const after = query.cursor ? decodeCursor(query.cursor, { t: CURSOR_MICROS, id: CURSOR_UUID }) : null;
    const rows = await this.conversations.page(query.actor.userId, after, query.limit + 1);
    const hasMore = rows.length > query.limit;
    const kept = hasMore ? rows.slice(0, query.limit) : rows;
    const items = await this.views.conversations(
      kept.map((r) => r.id),
      query.actor.userId,
    );
    const last = kept[kept.length - 1];
    return { items, nextCursor: hasMore && last ? encodeCursor({ t: last.activity_key, id: last.id }) : null };
  }
}
