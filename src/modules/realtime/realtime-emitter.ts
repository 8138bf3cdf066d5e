import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { userRoom } from '../../common/ws/ws-auth';

/**
 * The one way application code pushes to clients: by user id, to every device of each
 * user. Bound to the Socket.IO server once the gateway initialises.
 */
@Injectable()
export class RealtimeEmitter {
  private server: Server | null = null;

  attach(server: Server): void {
    this.server = server;
  }

  toUsers(userIds: readonly string[], event: string, payload: unknown): void {
    if (!this.server || userIds.length === 0) return;
    this.server.to(userIds.map(userRoom)).emit(event, payload);
  }

  /** Disconnects the sockets of one session (on every node the adapter reaches). */
  async disconnectSession(userId: string, sessionId: string): Promise<void> {
    if (!this.server) return;
    const sockets = await this.server.in(userRoom(userId)).fetchSockets();
    for (const socket of sockets) {
      if ((socket.data as { actor?: { sessionId?: string } }).actor?.sessionId === sessionId) socket.disconnect(true);
    }
  }

  /** Closes every socket of a user, on every node (the adapter broadcasts the request). */
  disconnectUser(userId: string): void {
    this.server?.in(userRoom(userId)).disconnectSockets(true);
  }

  /** Closes this node's sockets only (shutdown): their clients reconnect to another node. */
  disconnectLocalSockets(): void {
    this.server?.local.disconnectSockets(true);
  }
}
