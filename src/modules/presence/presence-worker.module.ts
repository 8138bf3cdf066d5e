import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { MessagingContactsModule } from '../messaging';
import { PresenceAnnouncer } from './presence-announcer';
import { PRESENCE_QUEUE, PresenceSweepProcessor, PresenceSweepScheduler } from './presence-sweep.processor';
import { PresenceService } from './presence.service';

/** Presence in the worker: the sweep that marks offline the users whose every socket went away unannounced. */
@Module({
  imports: [MessagingContactsModule, BullModule.registerQueue({ name: PRESENCE_QUEUE })],
  providers: [PresenceService, PresenceAnnouncer, PresenceSweepProcessor, PresenceSweepScheduler],
})
export class PresenceWorkerModule {}
