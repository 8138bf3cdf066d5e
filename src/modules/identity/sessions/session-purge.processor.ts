import { InjectQueue, Processor } from '@nestjs/bullmq';
import { QuietWorkerHost, scheduleEvery } from '../../../common/queue/quiet-worker-host';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { SessionsRepository } from '../repositories/sessions.repository';

export const IDENTITY_QUEUE = 'identity';
const PURGE_SCHEDULER_ID = 'session-purge';
/** Rows per statement: each delete is short, so nothing waits long on it. */
const BATCH = 5000;

/**
 * Deletes what can no longer be used: refresh tokens past their expiry (a used one is kept
 * until then, so presenting it is still recognised as reuse), and sessions that ended more
 * than one access-token lifetime ago or whose every refresh token has expired. An access
 * token of a deleted session is refused like one of an ended session.
 */
@Processor(IDENTITY_QUEUE)
export class SessionPurgeProcessor extends QuietWorkerHost {
  private readonly logger = new Logger(SessionPurgeProcessor.name);

  constructor(
    private readonly sessions: SessionsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(): Promise<{ refreshTokens: number; sessions: number }> {
    const graceSeconds = this.config.auth.accessTtlSeconds + 60;
    const refreshTokens = await inBatches(() => this.sessions.purgeExpiredTokens(BATCH));
    const sessions = await inBatches(() => this.sessions.purgeEndedSessions(BATCH, graceSeconds));
    if (refreshTokens + sessions > 0) this.logger.log({ refreshTokens, sessions }, 'purged ended sessions and expired refresh tokens');
    return { refreshTokens, sessions };
  }
}

/** Runs `purge` until a batch comes back short; the total deleted. */
async function inBatches(purge: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await purge();
    total += deleted;
    if (deleted < BATCH) return total;
  }
}

/** Registers (or updates) the repeating purge; idempotent, so every worker may do it at start. */
@Injectable()
export class SessionPurgeScheduler implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(IDENTITY_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): Promise<void> {
    return scheduleEvery(this.queue, PURGE_SCHEDULER_ID, this.config.sessionPurgeSweepSeconds * 1000, 'purge');
  }
}
