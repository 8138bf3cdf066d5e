import { BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RealtimeEmitter } from '../../modules/realtime/realtime-emitter';

/** The longest a shutdown waits for socket commands already running to answer. */
const IN_FLIGHT_WAIT_MS = 5000;

/**
 * Graceful shutdown, first phase (before Nest closes the HTTP server, which then waits
 * for in-flight requests): report not ready and refuse new socket handshakes and events,
 * let socket commands already running answer, then close this node's connections so
 * clients reconnect (through the balancer, to another node), and give the balancer
 * SHUTDOWN_DRAIN_MS to notice. main.ts bounds the whole shutdown by SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownState.name);
  private drainingSince: number | null = null;
  private inFlight = 0;
  private onIdle: (() => void) | null = null;

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

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.drainingSince = Date.now();
    this.logger.log({ signal, inFlight: this.inFlight }, 'draining: not ready, finishing socket commands');
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IN_FLIGHT_WAIT_MS);
        this.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // A transport close, not a server disconnect: clients reconnect by themselves and may
    // resume their session on another node.
    this.realtime.closeLocalConnections();
    const left = this.config.shutdownDrainMs - (Date.now() - this.drainingSince);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
