import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { SyncStateResult } from '../../domain/views';
import { ListSyncStateQuery } from './list-sync-state.query';

/**
 * A change is stamped with its transaction's start time and may commit after this query
 * ran: `asOf` lies this far back, so a `since` taken from it never skips such a change.
 */
export const SYNC_AS_OF_MARGIN_SECONDS = 10;

/**
 * What a (re)connecting client must fetch: conversations with messages beyond the
 * caller's delivery pointer, plus (with `since`) any changed after that time (messages,
 * edits, deletes, reactions, renames, membership). The pointer is per user, so a device
 * learns of what another device already confirmed only through `since`: `asOf` is the
 * server's own time to send as `since` next time. One indexed query over the memberships.
 */
@QueryHandler(ListSyncStateQuery)
export class ListSyncStateHandler implements IQueryHandler<ListSyncStateQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(query: ListSyncStateQuery): Promise<SyncStateResult> {
    const rows: { id: string | null; last_seq: string; last_delivered_seq: string; last_read_seq: string; as_of: Date }[] = await this.dataSource.query(
      `SELECT s.id, s.last_seq, s.last_delivered_seq, s.last_read_seq, now() - make_interval(secs => $3) AS as_of
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT c.id, c.last_seq, me.last_delivered_seq, me.last_read_seq, c.last_activity_at
             FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
            WHERE me.user_id = $1 AND (c.last_seq > me.last_delivered_seq OR ($2::timestamptz IS NOT NULL AND c.changed_at > $2::timestamptz))
         ) s ON true
        ORDER BY s.last_activity_at DESC NULLS LAST`,
      [query.actor.userId, query.since ?? null, SYNC_AS_OF_MARGIN_SECONDS],
    );
    return {
      conversations: rows
        .filter((r) => r.id !== null)
        .map((r) => ({
          conversationId: r.id as string,
          lastSeq: Number(r.last_seq),
          lastDeliveredSeq: Number(r.last_delivered_seq),
          lastReadSeq: Number(r.last_read_seq),
        })),
      asOf: rows[0].as_of.toISOString(),
    };
  }
}
