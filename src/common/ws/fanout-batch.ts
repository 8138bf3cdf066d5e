import type { Namespace, Server } from 'socket.io';

/**
 * One client event of a batch: `event` with `payload` to the sockets in `rooms`; where
 * `patches` names a room, that room's sockets get the payload with the patch's fields
 * merged in (per-member fields such as an unread count) instead.
 */
export interface FanoutItem {
  rooms: string[];
  event: string;
  payload: unknown;
  patches?: Record<string, Record<string, unknown>>;
}

/** A cluster message type of our own beside socket.io's (1–13): one stream entry carrying many client events. */
export const BATCH_MESSAGE_TYPE = 101;

interface ClusterMessage {
  uid: string;
  nsp: string;
  type: number;
  data?: unknown;
}

interface BatchCapableAdapter {
  uid: string;
  onMessage(message: ClusterMessage, offset?: string): unknown;
  publishAndReturnOffset(message: { type: number; data: unknown }): Promise<string>;
  publishBatch?: (items: FanoutItem[]) => Promise<void>;
}

/** Emits the items to this node's sockets only. */
export function deliverLocally(nsp: Namespace, items: readonly FanoutItem[]): void {
  for (const item of items) {
    const patched = new Set(Object.keys(item.patches ?? {}));
    const plain = item.rooms.filter((room) => !patched.has(room));
    if (plain.length > 0) nsp.local.to(plain).emit(item.event, item.payload);
    for (const room of patched) {
      const patch = item.patches?.[room] ?? {};
      nsp.local.to(room).emit(item.event, { ...(item.payload as Record<string, unknown>), ...patch });
    }
  }
}

/**
 * Teaches a cluster adapter (the Redis streams adapter) to carry a batch of client events
 * in one stream entry: a domain event that fans out to many members as many client events
 * (100 `conversation.member_added`, or `conversation.updated` with each member's unread
 * count) costs the shared stream one entry, not one per member, so it cannot flush the
 * stream. Every node delivers the batch to its own sockets; the publisher after its write
 * to the stream, as socket.io does for a broadcast, so the order of its events is kept.
 */
export function withBatches<T extends object>(adapter: T, nsp: Namespace): T {
  const cluster = adapter as unknown as BatchCapableAdapter;
  const onMessage = cluster.onMessage.bind(cluster);
  cluster.onMessage = (message: ClusterMessage, offset?: string) => {
    if (message.type !== BATCH_MESSAGE_TYPE) return onMessage(message, offset);
    if (message.uid === cluster.uid || message.nsp !== nsp.name) return undefined;
    const items = (message.data as { items?: FanoutItem[] } | undefined)?.items;
    if (Array.isArray(items)) deliverLocally(nsp, items);
    return undefined;
  };
  cluster.publishBatch = async (items: FanoutItem[]) => {
    try {
      await cluster.publishAndReturnOffset({ type: BATCH_MESSAGE_TYPE, data: { items } });
    } catch {
      // Redis is away: local sockets still get the events; clients elsewhere catch up by seq.
    }
    deliverLocally(nsp, items);
  };
  return adapter;
}

/** Sends a batch through the server's adapter: one stream entry when it can carry batches, one emit per item otherwise. */
export function emitBatch(server: Server, items: FanoutItem[]): void {
  const nsp = server.of('/');
  const adapter = nsp.adapter as unknown as Partial<BatchCapableAdapter>;
  if (typeof adapter.publishBatch === 'function') {
    void adapter.publishBatch(items);
    return;
  }
  for (const item of items) {
    const patched = new Set(Object.keys(item.patches ?? {}));
    const plain = item.rooms.filter((room) => !patched.has(room));
    if (plain.length > 0) server.to(plain).emit(item.event, item.payload);
    for (const room of patched) server.to(room).emit(item.event, { ...(item.payload as Record<string, unknown>), ...(item.patches?.[room] ?? {}) });
  }
}
