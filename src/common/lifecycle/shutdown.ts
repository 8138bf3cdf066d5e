import { BeforeApplicationShutdown, Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RealtimeEmitter } from '../../modules/realtime/realtime-emitter';

/**
 * Graceful shutdown, first phase (before Nest closes the HTTP server, which then waits
 * for in-flight requests): report not ready so the load balancer stops routing here,
 * close this node's sockets so clients reconnect to another node, and give the balancer
 * SHUTDOWN_DRAIN_MS to notice. main.ts bounds the whole shutdown by SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ShutdownState.name);
  private drainingSince: number | null = null;

  constructor(
    private readonly realtime: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.drainingSince = Date.now();
    this.logger.log({ signal }, 'draining: not ready, closing sockets');
    this.realtime.disconnectLocalSockets();
    await new Promise((resolve) => setTimeout(resolve, this.config.shutdownDrainMs));
  }
}

@Global()
@Module({ providers: [ShutdownState], exports: [ShutdownState] })
export class LifecycleModule {}
