/** The admin module's public face. */
export { AdminModule } from './admin.module';
export { UserBannedEvent } from './events/user-banned.event';
