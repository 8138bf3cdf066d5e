import { PresenceView } from './presence.service';

declare module '../../common/ws/server-events' {
  interface ServerEvents {
    presence: PresenceView;
  }
}
