/** The identity module's public face: what other modules may use of it. */
export { IdentityModule } from './identity.module';
export { IdentityWorkerModule } from './identity-worker.module';
export { IdentityDirectory, IdentityDirectoryModule, Suspensions } from './directory';
export { blockedPairSql } from './repositories/blocks.repository';
export type { Suspension } from './directory';
export { SessionRevokedEvent } from './events/session-revoked.event';
export { UserBlockedEvent, UserUnblockedEvent } from './events/user-blocked.event';
export { UserRegisteredEvent } from './events/user-registered.event';
export { PublicUserView } from './domain/user.views';
