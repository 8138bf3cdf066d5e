import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DefaultEventsMap, Socket } from 'socket.io';
import { AccessTokenService } from '../auth/access-token.service';
import { AuthenticatedActor } from '../auth/actor';
import { AppError, ErrorCode } from '../errors/app-error';
import { normalizeError } from '../errors/error-envelope';
import { parseIsoTime } from '../cqrs/iso-time';
import type { ServerToClientEvents } from './server-events';

export interface SocketData {
  actor: AuthenticatedActor;
  /** The handshake's `auth.since`: the `asOf` of the last sync.required this device processed. */
  since?: Date;
}

/** A connected socket: what it may emit is the typed map of server events (ServerEvents). */
export type AuthedSocket = Socket<DefaultEventsMap, ServerToClientEvents, DefaultEventsMap, SocketData>;

/** Room that reaches every connected device of one user, on every node. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** Room of the sockets of one session (its devices share nothing else), on every node. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

const QUERY_TOKEN_KEYS = ['token', 'access_token', 'accessToken', 'auth'];

/**
 * Socket.IO handshake middleware: the access token must come in the handshake `auth`
 * payload. A token in the query string is refused (it leaks into logs and proxies).
 * Failures reach the client as connect_error with err.message = code and
 * err.data = the error envelope.
 */
export function socketAuthMiddleware(tokens: AccessTokenService) {
  return (socket: Socket, next: (err?: Error) => void): void => {
    const authenticate = async (): Promise<SocketData> => {
      const query = socket.handshake.query ?? {};
      if (QUERY_TOKEN_KEYS.some((k) => query[k] !== undefined)) {
        throw AppError.unauthenticated('Send the access token in the handshake auth payload, not the query string');
      }
      const raw: unknown = socket.handshake.auth;
      const auth = typeof raw === 'object' && raw !== null ? (raw as { token?: unknown; since?: unknown }) : {};
      if (auth.token === undefined) throw AppError.unauthenticated('auth.token is required');
      const actor = await tokens.verify(auth.token);
      if (auth.since === undefined) return { actor };
      const since = parseIsoTime(auth.since);
      if (!since) throw AppError.validation('auth.since must be an ISO-8601 time: the asOf of the last sync.required', [{ field: 'since', message: 'must be an ISO-8601 time' }]);
      return { actor, since };
    };
    authenticate().then(
      (data) => {
        Object.assign(socket.data as SocketData, data);
        next();
      },
      (err: unknown) => next(wsRefusal(err)),
    );
  };
}

/** A handshake refusal as the contract has it: err.message = code, err.data = the envelope. */
export function wsRefusal(err: unknown, message?: string): Error {
  const { body } = normalizeError(err);
  const code = body.code === ErrorCode.INTERNAL ? ErrorCode.UNAVAILABLE : body.code;
  const error = new Error(code) as Error & { data: unknown };
  error.data = { error: { ...body, ...(message ? { message } : {}), code, requestId: randomUUID() } };
  return error;
}

/** The authenticated user of a socket event handler. */
export const WsActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthenticatedActor => {
  const socket = ctx.switchToWs().getClient<AuthedSocket>();
  return socket.data.actor;
});

export interface WsAckOk<T> {
  ok: true;
  data: T;
}

export const wsOk = <T>(data: T): WsAckOk<T> => ({ ok: true, data });
