import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ListDirectPartnersQuery } from '../../messaging/queries/list-direct-partners/list-direct-partners.query';
import { RealtimeEmitter } from '../../../common/ws/realtime-emitter';
import { PresenceView } from './presence.service';

/** Presence goes to the people who share a direct conversation with the user, on every node. */
@Injectable()
export class PresenceAnnouncer {
  constructor(
    private readonly queries: QueryBus,
    private readonly emitter: RealtimeEmitter,
  ) {}

  async announce(view: PresenceView): Promise<void> {
    const partners = await this.queries.execute(ListDirectPartnersQuery.create({ userId: view.userId }));
    this.emitter.toUsers(partners, 'presence', view);
  }
}
