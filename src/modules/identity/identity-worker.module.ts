import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { SessionsRepository } from './repositories/sessions.repository';
import { IDENTITY_QUEUE, SessionPurgeProcessor, SessionPurgeScheduler } from './sessions/session-purge.processor';

/** Identity's jobs in the worker process: the purge of ended sessions and expired refresh tokens. */
@Module({
  imports: [BullModule.registerQueue({ name: IDENTITY_QUEUE })],
  providers: [SessionsRepository, SessionPurgeProcessor, SessionPurgeScheduler],
})
export class IdentityWorkerModule {}
