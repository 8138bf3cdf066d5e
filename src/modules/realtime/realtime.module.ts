import { Global, Module } from '@nestjs/common';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';
import { PresenceModule } from '../presence';
import { ConnectionGateway } from './connection.gateway';
import { SessionRevokedHandler } from './session-revoked.handler';
import { UserBannedHandler } from './user-banned.handler';

/** Socket connections: authentication, rooms, the emitter every module sends through, presence on connect and disconnect. */
@Global()
@Module({
  imports: [PresenceModule],
  providers: [ConnectionGateway, RealtimeEmitter, SessionRevokedHandler, UserBannedHandler],
  exports: [RealtimeEmitter],
})
export class RealtimeModule {}
