import { InjectQueue, Processor } from '@nestjs/bullmq';
import { QuietWorkerHost, scheduleEvery } from '../../common/queue/quiet-worker-host';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { PresenceAnnouncer } from './presence-announcer';
import { PresenceService } from './presence.service';

export const PRESENCE_QUEUE = 'presence';
const SWEEP_SCHEDULER_ID = 'presence-sweep';

/**
 * Announces offline the users whose last socket lapsed without a disconnect (their API
 * node crashed). A BullMQ job scheduler runs one sweep per interval across all workers.
 */
@Processor(PRESENCE_QUEUE)
export class PresenceSweepProcessor extends QuietWorkerHost {
  private readonly logger = new Logger(PresenceSweepProcessor.name);

  constructor(
    private readonly presence: PresenceService,
    private readonly announcer: PresenceAnnouncer,
  ) {
    super();
  }

  async process(): Promise<{ announced: number }> {
    const lapsed = await this.presence.takeLapsed();
    // Offline announcements whose node died before its timer fired.
    const due = await this.presence.takeDueOffline();
    for (const view of [...lapsed, ...due]) await this.announcer.announce(view);
    if (lapsed.length > 0) this.logger.log({ users: lapsed.length }, 'announced lapsed users offline');
    return { announced: lapsed.length + due.length };
  }
}

/** Registers (or updates) the repeating sweep; idempotent, so every worker may do it at start. */
@Injectable()
export class PresenceSweepScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(PRESENCE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return scheduleEvery(this.queue, SWEEP_SCHEDULER_ID, this.config.realtime.presenceSweepMs, 'sweep');
  }
}
