import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { SessionRevokedEvent } from '../identity';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';

/** A session that ended (logout, stolen refresh token) keeps no open sockets. */
@EventsHandler(SessionRevokedEvent)
export class SessionRevokedHandler implements IEventHandler<SessionRevokedEvent> {
  constructor(private readonly emitter: RealtimeEmitter) {}

  handle(event: SessionRevokedEvent): void {
    this.emitter.disconnectSession(event.sessionId);
  }
}
