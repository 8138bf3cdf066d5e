import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../../config/config';

/** Socket.IO server options come from config, not from decorator literals. */
export class ParleyIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    return super.createIOServer(port, {
      ...(options as ServerOptions),
      path: '/socket.io',
      cors: { origin: this.config.http.corsOrigins, credentials: true },
      maxHttpBufferSize: 1_000_000,
    });
  }
}
