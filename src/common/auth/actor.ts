import { Actor } from '../cqrs/app-command';

/** The authenticated caller as the transports see it: the Actor plus the session it came from. */
export interface AuthenticatedActor extends Actor {
  sessionId: string;
  /** When the access token stops being valid (ms since the epoch). */
  expiresAt?: number;
}

/** What an access token says: who and which session. Roles are never taken from it: they are read from the database. */
export interface AccessTokenClaims {
  sub: string;
  sid: string;
  typ: 'access';
  exp?: number;
}
