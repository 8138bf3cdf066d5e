import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Server } from 'socket.io';
import { createStreamsAdapter, StreamsAdapterHandle } from '../../common/ws/streams-adapter';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';

/**
 * A Socket.IO server with no HTTP listener, joined to the API nodes through the Redis
 * streams adapter: what a worker emits to a user reaches that user's sockets on every
 * node, and no worker ever holds a gateway instance.
 */
@Injectable()
export class HeadlessIoServer implements OnModuleInit, OnApplicationShutdown {
  private server: Server | null = null;
  private streams: StreamsAdapterHandle | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly emitter: RealtimeEmitter,
  ) {}

  onModuleInit(): void {
    this.streams = createStreamsAdapter(this.config);
    this.server = new Server({ adapter: this.streams.adapter });
    this.emitter.attach(this.server);
  }

  async onApplicationShutdown(): Promise<void> {
    // No engine to close (never attached to HTTP): stop the adapter's heartbeat and reads.
    await this.server?.of('/').adapter.close();
    await this.streams?.close();
    this.server = null;
    this.streams = null;
  }
}
