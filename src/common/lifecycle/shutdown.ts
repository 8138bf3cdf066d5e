import { Global, INestApplicationContext, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { DependencyMonitor } from './dependency-monitor';
import { RealtimeEmitter } from '../ws/realtime-emitter';

/** The longest a shutdown waits for socket commands already running to answer. */
const IN_FLIGHT_WAIT_MS = 5000;
/** What the closing of HTTP, the database and Redis needs of the shutdown deadline. */
const CLOSE_MARGIN_MS = 1000;

/**
 * Graceful shutdown, first phase, run before the app closes (closing first would stop the
 * event handlers, and with them the fan-out of what is still being done): report not ready
 * and refuse new socket handshakes and events, let socket commands already running answer,
 * then close this node's connections so clients reconnect (through the balancer, to another
 * node), and keep serving HTTP until SHUTDOWN_DRAIN_MS after the start so the balancer
 * notices. The entrypoints bound the whole shutdown by SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class ShutdownState {
  private readonly logger = new Logger(ShutdownState.name);
  private drainingSince: number | null = null;
  private inFlight = 0;
  private onIdle: (() => void) | null = null;
  private drained: Promise<void> | null = null;

  constructor(
    private readonly realtime: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  commandStarted(): void {
    this.inFlight += 1;
  }

  commandFinished(): void {
    this.inFlight -= 1;
    if (this.inFlight === 0) this.onIdle?.();
  }

  /** Idempotent: a second call waits for the first. */
  drain(signal?: string): Promise<void> {
    this.drained ??= this.runDrain(signal);
    return this.drained;
  }

  private async runDrain(signal?: string): Promise<void> {
    this.drainingSince = Date.now();
    this.logger.log({ signal, inFlight: this.inFlight }, 'draining: not ready, finishing socket commands');
    if (this.inFlight > 0) {
      const { shutdownTimeoutMs, shutdownDrainMs } = this.config;
      const waitMs = Math.max(0, Math.min(IN_FLIGHT_WAIT_MS, shutdownTimeoutMs - shutdownDrainMs - CLOSE_MARGIN_MS));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // A transport close, not a server disconnect: clients reconnect by themselves, to
    // another node.
    this.realtime.closeLocalConnections();
    const left = this.config.shutdownDrainMs - (Date.now() - this.drainingSince);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}

@Global()
@Module({ providers: [ShutdownState, DependencyMonitor], exports: [ShutdownState, DependencyMonitor] })
export class LifecycleModule {}

/** Drains (see ShutdownState), then closes the app: what SIGTERM does, and what tests call. */
export async function closeApp(app: INestApplicationContext, signal?: string): Promise<void> {
  await app.get(ShutdownState).drain(signal);
  await app.close();
}
