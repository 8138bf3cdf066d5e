import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { REDIS } from '../redis/redis.module';

const PROBE_EVERY_MS = 2000;

type Dependency = 'postgres' | 'redis';

/**
 * One structured log line when a dependency goes down and one when it is back, instead of a
 * stack trace per failed reconnect: each process probes PostgreSQL and Redis every 2 s
 * (with the pool's and the client's own timeouts) and logs only the changes.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Dependencies');
  private readonly state = new Map<Dependency, { up: boolean; since: number }>();
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.probe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Whether the last probe found the dependency answering (true until a probe said otherwise).
   * Callers with a fallback skip a dependency that is down instead of waiting for each of
   * their calls to time out one after another.
   */
  isUp(dependency: Dependency): boolean {
    return this.state.get(dependency)?.up ?? true;
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all([
        this.check('postgres', () => this.dataSource.query('SELECT 1')),
        this.check('redis', () => this.redis.ping()),
      ]);
    } finally {
      this.probing = false;
    }
  }

  private async check(dependency: Dependency, ping: () => Promise<unknown>): Promise<void> {
    let up = true;
    let reason: string | undefined;
    try {
      await ping();
    } catch (err) {
      up = false;
      reason = err instanceof Error ? err.message : String(err);
    }
    const before = this.state.get(dependency);
    if (before && before.up === up) return;
    const now = Date.now();
    this.state.set(dependency, { up, since: now });
    if (!up) this.logger.error({ dependency, reason }, `${dependency} is down`);
    else if (before) this.logger.log({ dependency, downForMs: now - before.since }, `${dependency} is back`);
  }
}
