import { Global, Module } from '@nestjs/common';
import { ConnectionGateway } from './connection.gateway';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';
import { SessionRevokedHandler } from './session-revoked.handler';
import { UserBannedHandler } from './user-banned.handler';
import { GetPresenceHandler } from './presence/get-presence.handler';
import { PresenceController } from './presence/presence.controller';
import { PresenceAnnouncer } from './presence/presence-announcer';
import { PresenceService } from './presence/presence.service';

@Global()
@Module({
  controllers: [PresenceController],
  providers: [ConnectionGateway, RealtimeEmitter, SessionRevokedHandler, UserBannedHandler, PresenceService, PresenceAnnouncer, GetPresenceHandler],
  exports: [RealtimeEmitter],
})
export class RealtimeModule {}
