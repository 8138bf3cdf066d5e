import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ListDirectPartnersHandler } from '../messaging/queries/list-direct-partners/list-direct-partners.handler';
import { HeadlessIoServer } from './headless-io.server';
import { PresenceAnnouncer } from './presence/presence-announcer';
import { PRESENCE_QUEUE, PresenceSweepProcessor, PresenceSweepScheduler } from './presence/presence-sweep.processor';
import { PresenceService } from './presence/presence.service';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';

/**
 * Realtime for worker processes: the same RealtimeEmitter as the API, bound to a
 * headless Socket.IO server on the streams adapter, plus the presence sweep.
 */
@Global()
@Module({
  imports: [CqrsModule, BullModule.registerQueue({ name: PRESENCE_QUEUE })],
  providers: [
    RealtimeEmitter,
    HeadlessIoServer,
    PresenceService,
    PresenceAnnouncer,
    ListDirectPartnersHandler,
    PresenceSweepProcessor,
    PresenceSweepScheduler,
  ],
  exports: [RealtimeEmitter],
})
export class RealtimeWorkerModule {}
