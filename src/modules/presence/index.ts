/** The presence module's public face. */
export { PresenceModule } from './presence.module';
export { PresenceWorkerModule } from './presence-worker.module';
export { PresenceService } from './presence.service';
export type { PresenceView } from './presence.service';
export { PresenceAnnouncer } from './presence-announcer';
export { PRESENCE_QUEUE } from './presence-sweep.processor';
