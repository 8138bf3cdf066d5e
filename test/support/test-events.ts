import { RealtimeEmitter } from '../../src/common/ws/realtime-emitter';

/**
 * The emitter, for events that exist only in a test (to fill a buffer, to probe a route): the
 * production map of server events stays as the modules define it, so no production code could
 * emit these.
 */
export function testEventEmitter(emitter: RealtimeEmitter): { toUsers(userIds: readonly string[], event: string, payload: unknown): void } {
  return emitter;
}
