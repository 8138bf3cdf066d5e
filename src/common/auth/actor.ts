import { Actor } from '../cqrs/app-command';

/** The authenticated caller as the transports see it: the Actor plus the session it came from. */
export interface AuthenticatedActor extends Actor {
  sessionId: string;
  /** When the access token stops being valid (ms since the epoch). */
  expiresAt?: number;
}

export interface AccessTokenClaims {
  sub: string;
  role: 'user' | 'admin';
  sid: string;
  typ: 'access';
  exp?: number;
}
