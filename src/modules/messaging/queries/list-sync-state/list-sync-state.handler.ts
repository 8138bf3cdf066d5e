import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { SyncStateView } from '../../domain/views';
import { ListSyncStateQuery } from './list-sync-state.query';

/**
 * What a (re)connecting client must fetch: conversations with messages beyond the
 * caller's delivery pointer, plus (with `since`) any changed after that time (messages,
 * edits, deletes, reactions, renames, membership). One indexed query over the caller's memberships.
 */
@QueryHandler(ListSyncStateQuery)
export class ListSyncStateHandler implements IQueryHandler<ListSyncStateQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: ListSyncStateQuery): Promise<SyncStateView[]> {
    const rows: { id: string; last_seq: string; last_delivered_seq: string; last_read_seq: string }[] = await this.dataSource.query(
      `SELECT c.id, c.last_seq, me.last_delivered_seq, me.last_read_seq
         FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
        WHERE me.user_id = $1 AND (c.last_seq > me.last_delivered_seq OR ($2::timestamptz IS NOT NULL AND c.changed_at > $2::timestamptz))
        ORDER BY c.last_activity_at DESC`,
      [query.actor.userId, query.since ?? null],
    );
    return rows.map((r) => ({
      conversationId: r.id,
      lastSeq: Number(r.last_seq),
      lastDeliveredSeq: Number(r.last_delivered_seq),
      lastReadSeq: Number(r.last_read_seq),
    }));
  }
}
