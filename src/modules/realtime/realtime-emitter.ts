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
}
