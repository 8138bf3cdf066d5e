import { Global, Module } from '@nestjs/common';
import { ConnectionGateway } from './connection.gateway';
import { RealtimeEmitter } from './realtime-emitter';
import { SessionRevokedHandler } from './session-revoked.handler';

@Global()
@Module({ providers: [ConnectionGateway, RealtimeEmitter, SessionRevokedHandler], exports: [RealtimeEmitter] })
export class RealtimeModule {}
