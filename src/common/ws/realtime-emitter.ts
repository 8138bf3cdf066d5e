import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { emitBatch, FanoutItem } from './fanout-batch';
import { ServerEventName, ServerEvents } from './server-events';
import { sessionRoom, userRoom } from './ws-auth';

/** One event for users; `perUser` fields are merged into the payload for that user only. */
export type UserFanout = {
  [E in ServerEventName]: {
    userIds: readonly string[];
    event: E;
    payload: ServerEvents[E];
    perUser?: ReadonlyMap<string, Partial<ServerEvents[E]>>;
  };
}[ServerEventName];

/**
 * The one way application code pushes to clients: by user id, to every device of each
 * user, on every node. It knows rooms only; bound to a Socket.IO server (an API node's, or a
 * worker's headless one) once that starts.
 */
@Injectable()
export class RealtimeEmitter {
  private server: Server | null = null;

  attach(server: Server): void {
    this.server = server;
  }

  toUsers<E extends ServerEventName>(userIds: readonly string[], event: E, payload: ServerEvents[E]): void {
    if (!this.server || userIds.length === 0) return;
    this.server.to(userIds.map(userRoom)).emit(event, payload);
  }

  /**
   * Many client events of one domain event as one broadcast between nodes (one stream entry),
   * whatever the number of events and of per-user variants.
   */
  toUsersBatch(fanouts: readonly UserFanout[]): void {
    const items: FanoutItem[] = fanouts
      .filter((f) => f.userIds.length > 0)
      .map((f) => ({
        rooms: f.userIds.map(userRoom),
        event: f.event,
        payload: f.payload,
        // Patches only for the item's own recipients: a patch is also a delivery.
        ...(f.perUser
          ? { patches: Object.fromEntries([...f.perUser].filter(([userId]) => f.userIds.includes(userId)).map(([userId, patch]) => [userRoom(userId), patch as Record<string, unknown>])) }
          : {}),
      }));
    if (!this.server || items.length === 0) return;
    const [only] = items;
    if (items.length === 1 && !only.patches) this.server.to(only.rooms).emit(only.event, only.payload);
    else emitBatch(this.server, items);
  }

  /**
   * Disconnects the sockets of one session on every node: one broadcast to the session's
   * room, no fetchSockets request that waits for every node to answer.
   */
  disconnectSession(sessionId: string): void {
    this.server?.in(sessionRoom(sessionId)).disconnectSockets(true);
  }

  /** Closes every socket of a user, on every node (the adapter broadcasts the request). */
  disconnectUser(userId: string): void {
    this.server?.in(userRoom(userId)).disconnectSockets(true);
  }

  /**
   * Closes this node's connections only (shutdown). A transport close, so clients reconnect
   * by themselves (to another node), where sync.required tells them what to fetch.
   */
  closeLocalConnections(): void {
    // Every engine connection, including those still in their handshake middlewares.
    const engine = this.server?.engine as unknown as { clients: Record<string, { close(): void }> } | undefined;
    for (const conn of Object.values(engine?.clients ?? {})) conn.close();
  }
}
