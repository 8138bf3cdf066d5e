import { Inject, Logger, UseFilters } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Server } from 'socket.io';
import { AccessTokenService } from '../../common/auth/access-token.service';
import { WsExceptionFilter } from '../../common/errors/ws-exception.filter';
import { AuthedSocket, socketAuthMiddleware, userRoom, wsRefusal } from '../../common/ws/ws-auth';
import { AppError } from '../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RealtimeEmitter } from './realtime-emitter';

/**
 * Owns the Socket.IO connection lifecycle: handshake authentication and the per-user
 * room. Feature gateways (one per module, in its ws/ folder) only map events to commands.
 */
/** Time between telling a socket its token expired and closing it. */
const EXPIRY_NOTICE_MS = 250;

@WebSocketGateway()
@UseFilters(WsExceptionFilter)
export class ConnectionGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger(ConnectionGateway.name);

  @WebSocketServer()
  server: Server;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly emitter: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the user's sockets on every node (the adapter asks them all). */
  private async underSocketCap(server: Server, socket: AuthedSocket): Promise<boolean> {
    const open = await server.in(userRoom(socket.data.actor.userId)).fetchSockets();
    return open.length < this.config.realtime.maxSocketsPerUser;
  }

  afterInit(server: Server): void {
    server.use(socketAuthMiddleware(this.tokens));
    server.use((socket, next) => {
      this.underSocketCap(server, socket as AuthedSocket).then(
        (ok) => next(ok ? undefined : wsRefusal(AppError.rateLimited(1000), 'Too many open connections for this user')),
        () => next(),
      );
    });
    this.emitter.attach(server);
  }

  async handleConnection(socket: AuthedSocket): Promise<void> {
    const { userId, expiresAt } = socket.data.actor;
    await socket.join(userRoom(userId));
    if (expiresAt !== undefined) {
      // A socket lives no longer than its access token: the client reconnects with a fresh one.
      const timer = setTimeout(() => {
        socket.emit('auth.expired', { expiredAt: new Date(expiresAt).toISOString() });
        // With connection state recovery an emit passes through the adapter (to get an offset)
        // and is delivered a moment later: disconnecting at once would drop it.
        setTimeout(() => socket.disconnect(true), EXPIRY_NOTICE_MS);
      }, Math.max(0, expiresAt - Date.now()));
      socket.once('disconnect', () => clearTimeout(timer));
    }
    this.logger.debug({ userId, socketId: socket.id }, 'socket connected');
  }
}
