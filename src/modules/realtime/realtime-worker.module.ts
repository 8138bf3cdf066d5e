import { Global, Module } from '@nestjs/common';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';
import { HeadlessIoServer } from './headless-io.server';

/** Realtime for worker processes: the same RealtimeEmitter as the API, bound to a headless Socket.IO server on the streams adapter. */
@Global()
@Module({
  providers: [RealtimeEmitter, HeadlessIoServer],
  exports: [RealtimeEmitter],
})
export class RealtimeWorkerModule {}
