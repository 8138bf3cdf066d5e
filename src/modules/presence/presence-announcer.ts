import { Injectable } from '@nestjs/common';
import './presence.server-events';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';
import { DirectContacts } from '../messaging';
import { PresenceView } from './presence.service';

/** Presence goes to the user's contacts (direct-conversation partners, no block between), on every node. */
@Injectable()
export class PresenceAnnouncer {
  constructor(
    private readonly contacts: DirectContacts,
    private readonly emitter: RealtimeEmitter,
  ) {}

  async announce(view: PresenceView): Promise<void> {
    this.emitter.toUsers(await this.contacts.of(view.userId), 'presence', view);
  }
}
