/**
 * Every server → client event and its payload, as one map: `emitter.toUsers(ids, event,
 * payload)` compiles only when the payload is the event's. Each module adds its own events to
 * it where it defines them (declaration merging), so this file imports no module:
 *
 *   declare module '../../../common/ws/server-events' {
 *     interface ServerEvents { 'message.created': MessageView }
 *   }
 */
export interface ServerEvents {
  /** The socket's access token expired: it closes a moment later; reconnect with a fresh one. */
  'auth.expired': { expiredAt: string };
}

export type ServerEventName = keyof ServerEvents;

/** The same map in the shape Socket.IO's `Server<ClientToServer, ServerToClient>` generics take. */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };
