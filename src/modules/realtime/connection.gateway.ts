import { Logger, UseFilters } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { AccessTokenService } from '../../common/auth/access-token.service';
import { WsExceptionFilter } from '../../common/errors/ws-exception.filter';
import { AuthedSocket, socketAuthMiddleware, userRoom } from '../../common/ws/ws-auth';
import { RealtimeEmitter } from './realtime-emitter';

/**
 * Owns the Socket.IO connection lifecycle: handshake authentication and the per-user
 * room. Feature gateways (one per module, in its ws/ folder) only map events to commands.
 */
@WebSocketGateway()
@UseFilters(WsExceptionFilter)
export class ConnectionGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(ConnectionGateway.name);

  @WebSocketServer()
  server: Server;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly emitter: RealtimeEmitter,
  ) {}

  afterInit(server: Server): void {
    server.use(socketAuthMiddleware(this.tokens));
    this.emitter.attach(server);
  }

  async handleConnection(socket: AuthedSocket): Promise<void> {
    const { userId } = socket.data.actor;
    await socket.join(userRoom(userId));
    this.logger.debug({ userId, socketId: socket.id }, 'socket connected');
  }
}
