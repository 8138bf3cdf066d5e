import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { blockedBetween } from '../../messaging/domain/blocks';
import { GetPresenceQuery } from './get-presence.query';
import { PresenceService, PresenceView } from './presence.service';

/**
 * Presence of the caller's contacts (people who share a direct conversation with them),
 * neither blocking the other, and the caller's own: the same people presence events go to.
 * Sharing a group is not enough, since anyone may be pulled into a group with strangers.
 * Anyone else answers as a user never seen, so the endpoint tells nothing about strangers,
 * not even whether they exist.
 */
@QueryHandler(GetPresenceQuery)
export class GetPresenceHandler implements IQueryHandler<GetPresenceQuery> {
  constructor(
    private readonly presence: PresenceService,
    private readonly dataSource: DataSource,
  ) {}

  async execute(query: GetPresenceQuery): Promise<PresenceView[]> {
    const me = query.actor.userId;
    const rows: { user_id: string }[] = await this.dataSource.query(
      `SELECT CASE WHEN direct_user_low = $1 THEN direct_user_high ELSE direct_user_low END AS user_id
         FROM conversations
        WHERE type = 'direct' AND ((direct_user_low = $1 AND direct_user_high = ANY($2::uuid[])) OR (direct_user_high = $1 AND direct_user_low = ANY($2::uuid[])))`,
      [me, query.userIds],
    );
    const sharing = rows.map((r) => r.user_id);
    const blocked = new Set(await blockedBetween(this.dataSource.manager, me, sharing));
    const visible = new Set([me, ...sharing.filter((id) => !blocked.has(id))]);
    const known = new Map((await this.presence.get(query.userIds.filter((id) => visible.has(id)))).map((v) => [v.userId, v]));
    return query.userIds.map((userId) => known.get(userId) ?? { userId, status: 'offline', lastSeenAt: null });
  }
}
