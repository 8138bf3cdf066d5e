import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DirectContacts } from '../../../messaging';
import { PresenceService, PresenceView } from '../../presence.service';
import { GetPresenceQuery } from './get-presence.query';

/**
 * Presence of the caller's contacts (see DirectContacts) and the caller's own: the same people
 * presence events go to. Anyone else answers as a user never seen, so the endpoint tells
 * nothing about strangers, not even whether they exist.
 */
@QueryHandler(GetPresenceQuery)
export class GetPresenceHandler implements IQueryHandler<GetPresenceQuery> {
  constructor(
    private readonly presence: PresenceService,
    private readonly contacts: DirectContacts,
  ) {}

  async execute(query: GetPresenceQuery): Promise<PresenceView[]> {
    const me = query.actor.userId;
    const visible = new Set([me, ...(await this.contacts.among(me, query.userIds))]);
    const known = new Map((await this.presence.get(query.userIds.filter((id) => visible.has(id)))).map((v) => [v.userId, v]));
    return query.userIds.map((userId) => known.get(userId) ?? { userId, status: 'offline', lastSeenAt: null });
  }
}
