import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { UserBannedEvent } from '../admin';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';

/** A banned user keeps no open socket anywhere; their tokens are already refused, so none reconnects. */
@EventsHandler(UserBannedEvent)
export class UserBannedHandler implements IEventHandler<UserBannedEvent> {
  constructor(private readonly emitter: RealtimeEmitter) {}

  handle(event: UserBannedEvent): void {
    this.emitter.disconnectUser(event.userId);
  }
}
