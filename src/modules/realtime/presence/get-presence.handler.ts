import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { GetPresenceQuery } from './get-presence.query';
import { PresenceService, PresenceView } from './presence.service';

@QueryHandler(GetPresenceQuery)
export class GetPresenceHandler implements IQueryHandler<GetPresenceQuery> {
  constructor(private readonly presence: PresenceService) {}

  execute(query: GetPresenceQuery): Promise<PresenceView[]> {
    return this.presence.get(query.userIds);
  }
}
