import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { Db } from '../../database/db';
import { REDIS } from '../redis/redis.module';

/** Probe interval while everything answers, and while something is down (to notice it back soon). */
const PROBE_EVERY_MS = 2000;
const PROBE_WHILE_DOWN_MS = 300;
/** A probe not answered within this time counts as a failure (a paused server answers nothing). */
const PROBE_TIMEOUT_MS = 1000;

type Dependency = 'postgres' | 'redis';

export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/**
 * One structured log line when a dependency goes down and one when it is back, instead of a
 * stack trace per failed reconnect. Each process probes PostgreSQL and Redis (every 2 s, every
 * 0.3 s while one is down) and logs only the changes. Callers with a fallback read `isUp` to
 * skip a dependency that is down instead of waiting out a timeout per call.
 */
@Injectable()
export class DependencyMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Dependencies');
  private readonly state = new Map<Dependency, { up: boolean; since: number }>();
  private timer: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(
    private readonly db: Db,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Whether the dependency is answering, as far as this process knows (true until told otherwise). */
  isUp(dependency: Dependency): boolean {
    return this.state.get(dependency)?.up ?? true;
  }

  private schedule(): void {
    const anyDown = [...this.state.values()].some((s) => !s.up);
    this.timer = setTimeout(
      () => {
        void this.probe().finally(() => {
          if (this.timer) this.schedule();
        });
      },
      anyDown ? PROBE_WHILE_DOWN_MS : PROBE_EVERY_MS,
    );
    this.timer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all([
        this.check('postgres', () => this.db.ping()),
        this.check('redis', () => this.redis.ping()),
      ]);
    } finally {
      this.probing = false;
    }
  }

  private async check(dependency: Dependency, ping: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    try {
      await withTimeout(ping(), PROBE_TIMEOUT_MS);
      this.record(dependency, true, started);
    } catch (err) {
      this.record(dependency, false, started, err instanceof Error ? err.message : String(err));
    }
  }

  private record(dependency: Dependency, up: boolean, at: number, reason?: string): void {
    const before = this.state.get(dependency);
    if (before && before.up === up) return;
    this.state.set(dependency, { up, since: at });
    if (!up) this.logger.error({ dependency, reason }, `${dependency} is down`);
    else if (before) this.logger.log({ dependency, downForMs: Date.now() - before.since }, `${dependency} is back`);
  }
}
