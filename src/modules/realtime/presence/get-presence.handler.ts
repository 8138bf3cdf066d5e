import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { blockedBetween } from '../../messaging/domain/blocks';
import { GetPresenceQuery } from './get-presence.query';
import { PresenceService, PresenceView } from './presence.service';

/**
 * Presence of the users who share a conversation with the caller, neither blocking the
 * other (and the caller's own). Anyone else answers as a user never seen, so the endpoint
 * tells nothing about strangers, not even whether they exist.
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
      `SELECT DISTINCT other.user_id
         FROM conversation_members mine
         JOIN conversation_members other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = $1 AND other.user_id = ANY($2::uuid[])`,
      [me, query.userIds],
    );
    const sharing = rows.map((r) => r.user_id);
    const blocked = new Set(await blockedBetween(this.dataSource.manager, me, sharing));
    const visible = new Set([me, ...sharing.filter((id) => !blocked.has(id))]);
    const known = new Map((await this.presence.get(query.userIds.filter((id) => visible.has(id)))).map((v) => [v.userId, v]));
    return query.userIds.map((userId) => known.get(userId) ?? { userId, status: 'offline', lastSeenAt: null });
  }
}
