import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SyncStateResult } from '../../domain/views';
import { MembershipsRepository } from '../../repositories/memberships.repository';
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
  constructor(private readonly memberships: MembershipsRepository) {}

  async execute(query: ListSyncStateQuery): Promise<SyncStateResult> {
    const rows = await this.memberships.syncState(query.actor.userId, query.since ?? null, SYNC_AS_OF_MARGIN_SECONDS);
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
