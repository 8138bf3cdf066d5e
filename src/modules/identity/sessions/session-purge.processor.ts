import { InjectQueue, Processor } from '@nestjs/bullmq';
import { QuietWorkerHost, scheduleEvery } from '../../../common/queue/quiet-worker-host';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { queryRows } from '../../../database/query-rows';

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
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(): Promise<{ refreshTokens: number; sessions: number }> {
    const graceSeconds = this.config.auth.accessTtlSeconds + 60;
    const refreshTokens = await this.inBatches(
      `DELETE FROM refresh_tokens WHERE id IN (SELECT id FROM refresh_tokens WHERE expires_at < now() LIMIT $1) RETURNING id`,
      [],
    );
    const sessions = await this.inBatches(
      `DELETE FROM sessions WHERE id IN (
         SELECT s.id FROM sessions s
          WHERE s.revoked_at < now() - make_interval(secs => $2)
             OR (s.last_used_at < now() - make_interval(secs => $2)
                 AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id AND t.expires_at > now()))
          LIMIT $1) RETURNING id`,
      [graceSeconds],
    );
    if (refreshTokens + sessions > 0) this.logger.log({ refreshTokens, sessions }, 'purged ended sessions and expired refresh tokens');
    return { refreshTokens, sessions };
  }

  private async inBatches(sql: string, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await queryRows(this.dataSource.manager, sql, [BATCH, ...params]);
      total += deleted.length;
      if (deleted.length < BATCH) return total;
    }
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
