import { Global, Module } from '@nestjs/common';
import { ConnectionGateway } from './connection.gateway';
import { RealtimeEmitter } from './realtime-emitter';

@Global()
@Module({ providers: [ConnectionGateway, RealtimeEmitter], exports: [RealtimeEmitter] })
export class RealtimeModule {}
