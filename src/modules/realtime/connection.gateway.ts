import { Inject, Logger, OnModuleDestroy, UseFilters } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { PresenceAnnouncer, PresenceService } from '../presence';
import { safeError } from '../../common/errors/http-exception.filter';
import type { Server } from 'socket.io';
import { AccessTokenService } from '../../common/auth/access-token.service';
import { WsExceptionFilter } from '../../common/errors/ws-exception.filter';
import { AuthedSocket, sessionRoom, socketAuthMiddleware, userRoom, wsRefusal } from '../../common/ws/ws-auth';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { DependencyMonitor } from '../../common/lifecycle/dependency-monitor';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { RealtimeEmitter } from '../../common/ws/realtime-emitter';
import { dropSlowConsumers } from './slow-consumers';
import { Bucket, RateLimitService } from '../../common/rate-limit/rate-limit.service';

/**
 * Owns the Socket.IO connection lifecycle: handshake authentication and the per-user
 * room. Feature gateways (one per module, in its ws/ folder) only map events to commands.
 */
/** Time between telling a socket its token expired and closing it. */
const EXPIRY_NOTICE_MS = 250;

@WebSocketGateway()
@UseFilters(WsExceptionFilter)
export class ConnectionGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private readonly logger = new Logger(ConnectionGateway.name);

  @WebSocketServer()
  server: Server;

  private slowConsumerTimer: NodeJS.Timeout | null = null;
  private sessionSweepTimer: NodeJS.Timeout | null = null;
  private readonly offlineTimers = new Set<NodeJS.Timeout>();
  private readonly handshakes: Bucket;

  constructor(
    private readonly tokens: AccessTokenService,
    private readonly emitter: RealtimeEmitter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly presence: PresenceService,
    private readonly announcer: PresenceAnnouncer,
    private readonly limits: RateLimitService,
    private readonly dependencies: DependencyMonitor,
  ) {
    const perMinute = config.realtime.handshakesPerMinute;
    this.handshakes = { name: 'handshake', intervalMs: 60_000 / perMinute, burst: Math.max(1, Math.ceil(perMinute / 2)) };
  }

  afterInit(server: Server): void {
    // Presence, the socket cap and the fan-out between nodes all live in Redis: while it is known
    // to be down, refuse at once (the client retries) rather than wait out three timeouts.
    server.use((_socket, next) => next(this.dependencies.isUp('redis') ? undefined : wsRefusal(new AppError(ErrorCode.UNAVAILABLE, 'Realtime is unavailable; retry shortly'))));
    server.use(socketAuthMiddleware(this.tokens));
    // Reconnect churn is bounded per user across nodes, before anything is written for the socket.
    server.use((socket, next) => {
      this.limits.take(this.handshakes, (socket as AuthedSocket).data.actor.userId).then(
        (outcome) => next(outcome.allowed ? undefined : wsRefusal(AppError.rateLimited(outcome.retryAfterMs), 'Too many connection attempts; retry later')),
        (err: unknown) => next(wsRefusal(err)),
      );
    });
    server.use((socket, next) => {
      // Counted from presence (shared by every node), not by asking the nodes: a crashed node
      // cannot stall the reconnects it causes. A place is held atomically, so handshakes racing
      // on several nodes cannot overshoot the cap.
      const { userId } = (socket as AuthedSocket).data.actor;
      this.presence.reserve(userId, socket.id, this.config.realtime.maxSocketsPerUser).then(
        (held) => next(held ? undefined : wsRefusal(AppError.rateLimited(1000), 'Too many open connections for this user')),
        (err: unknown) => next(wsRefusal(err)),
      );
    });
    this.emitter.attach(server);
    this.sessionSweepTimer = setInterval(() => void this.closeEndedSessions(server), this.config.auth.sessionCacheSeconds * 1000);
    this.sessionSweepTimer.unref();
    this.slowConsumerTimer = dropSlowConsumers(server, this.config.realtime.maxBufferedBytes, (socket, bytes) =>
      this.logger.warn({ socketId: socket.id, bytes }, 'dropping a socket that does not keep up'),
    );
  }

  onModuleDestroy(): void {
    if (this.slowConsumerTimer) clearInterval(this.slowConsumerTimer);
    if (this.sessionSweepTimer) clearInterval(this.sessionSweepTimer);
    for (const timer of this.offlineTimers) clearTimeout(timer);
    this.offlineTimers.clear();
  }

  async handleConnection(socket: AuthedSocket): Promise<void> {
    const { userId, sessionId, expiresAt } = socket.data.actor;
    await socket.join([userRoom(userId), sessionRoom(sessionId)]);
    // A session ended (logout, ban) between the handshake's token check and the join above
    // broadcast its disconnect before this socket was in the rooms: check once more.
    if (await this.tokens.isRevoked(sessionId, userId).catch(() => false)) {
      socket.disconnect(true);
      await this.presence.release(userId, socket.id).catch(() => undefined);
      return;
    }
    // Gone while we waited: handleDisconnect has run already, so register nothing.
    if (!socket.connected) {
      await this.presence.release(userId, socket.id).catch(() => undefined);
      return;
    }
    if (expiresAt !== undefined) {
      // A socket lives no longer than its access token: the client reconnects with a fresh one.
      const timer = setTimeout(() => {
        socket.emit('auth.expired', { expiredAt: new Date(expiresAt).toISOString() });
        // A room emit passes through the adapter and is written a moment later: disconnecting
        // at once could drop it.
        setTimeout(() => socket.disconnect(true), EXPIRY_NOTICE_MS);
      }, Math.max(0, expiresAt - Date.now()));
      socket.once('disconnect', () => clearTimeout(timer));
    }
    this.logger.debug({ userId, socketId: socket.id }, 'socket connected');
    try {
      const cameOnline = await this.presence.connected(userId, socket.id);
      if (!socket.connected) {
        // It disconnected during the write; unless handleDisconnect already forgot it, do so here.
        if (this.presence.isTracked(socket.id)) await this.forget(userId, socket.id);
        return;
      }
      // Back within the offline delay: the offline was never announced, so the online is not either.
      if (cameOnline && !(await this.presence.cancelPendingOffline(userId))) await this.announcer.announce({ userId, status: 'online', lastSeenAt: null });
    } catch (err) {
      this.logger.warn({ err: safeError(err), userId }, 'presence update failed');
    }
  }

  async handleDisconnect(socket: AuthedSocket): Promise<void> {
    const actor = socket.data.actor as AuthedSocket['data']['actor'] | undefined;
    // Only sockets that presence knows of: one closed during its connection handling never came online.
    if (!actor || !this.presence.isTracked(socket.id)) return;
    await this.forget(actor.userId, socket.id);
  }

  /**
   * The user's last device left: the offline is announced PRESENCE_OFFLINE_DELAY_MS later, and
   * not at all if a device is back by then, so reconnect flaps send nothing. This node's timer
   * announces it; if the node dies first, the worker's sweep does (exactly one of them).
   */
  private async forget(userId: string, socketId: string): Promise<void> {
    try {
      const lastSeenAt = await this.presence.disconnected(userId, socketId);
      if (!lastSeenAt || (await this.presence.liveSockets(userId)) > 0) return;
      const delayMs = this.config.realtime.presenceOfflineDelayMs;
      if (delayMs === 0) {
        await this.announcer.announce({ userId, status: 'offline', lastSeenAt });
        return;
      }
      await this.presence.scheduleOffline(userId, Date.now() + delayMs);
      const timer = setTimeout(() => {
        this.offlineTimers.delete(timer);
        void this.announceDueOffline(userId);
      }, delayMs);
      timer.unref();
      this.offlineTimers.add(timer);
    } catch (err) {
      this.logger.warn({ err: safeError(err), userId }, 'presence update failed');
    }
  }

  /**
   * This node's sockets of sessions that have ended are closed, every SESSION_CACHE_SECONDS:
   * the broadcast that normally closes them at once may have been lost (Redis away at logout
   * or ban, a node that missed it), and a socket's events are not checked one by one.
   */
  private async closeEndedSessions(server: Server): Promise<void> {
    const bySession = new Map<string, AuthedSocket[]>();
    for (const socket of server.of('/').sockets.values()) {
      const actor = (socket as AuthedSocket).data.actor as AuthedSocket['data']['actor'] | undefined;
      if (!actor) continue;
      bySession.set(actor.sessionId, [...(bySession.get(actor.sessionId) ?? []), socket as AuthedSocket]);
    }
    if (bySession.size === 0) return;
    try {
      for (const sessionId of await this.tokens.endedSessions([...bySession.keys()])) {
        for (const socket of bySession.get(sessionId) ?? []) socket.disconnect(true);
      }
    } catch (err) {
      this.logger.warn({ err: safeError(err) }, 'could not check the sessions of open sockets');
    }
  }

  private async announceDueOffline(userId: string): Promise<void> {
    try {
      for (const view of await this.presence.takeDueOffline(userId)) await this.announcer.announce(view);
    } catch (err) {
      this.logger.warn({ err: safeError(err), userId }, 'presence update failed');
    }
  }
}
