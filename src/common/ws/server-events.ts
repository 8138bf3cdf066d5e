/**
 * Every server → client event and its payload, as one map: `emitter.toUsers(ids, event,
 * payload)` compiles only when the payload is the event's. Each module adds its own events to
 * it where it defines them (declaration merging), so this file imports no module:
 *
 *   declare module '../../../common/ws/server-events' {
 *     interface ServerEvents { 'message.created': MessageView }
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules
export interface ServerEvents {}

export type ServerEventName = keyof ServerEvents;

/** The same map in the shape Socket.IO's `Server<ClientToServer, ServerToClient>` generics take. */
export type ServerToClientEvents = { [E in ServerEventName]: (payload: ServerEvents[E]) => void };
