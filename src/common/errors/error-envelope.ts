import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ErrorCode, ErrorDetail, HTTP_STATUS_BY_CODE } from './app-error';
import { classifyDependencyError } from './dependency-errors';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  requestId: string;
  retryAfterMs?: number;
}

export interface ErrorEnvelope {
  error: ErrorBody;
}

const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  405: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
  503: ErrorCode.UNAVAILABLE,
};

const SAFE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.NOT_FOUND]: 'Not found',
  [ErrorCode.UNAUTHENTICATED]: 'Authentication required',
  [ErrorCode.FORBIDDEN]: 'Forbidden',
  [ErrorCode.PAYLOAD_TOO_LARGE]: 'Payload too large',
  [ErrorCode.UNAVAILABLE]: 'Service unavailable',
  [ErrorCode.RATE_LIMITED]: 'Too many requests, try again later',
};

/** Errors thrown by body-parser / express middleware before Nest's router. */
interface MiddlewareError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

export interface NormalizedError {
  status: number;
  body: Omit<ErrorBody, 'requestId'>;
  /** True when the error is not one we expected: log it with its stack. */
  unexpected: boolean;
}

/** Maps anything thrown to the contract's code, status and a message that leaks nothing. */
export function normalizeError(exception: unknown): NormalizedError {
  if (exception instanceof AppError) {
    return {
      status: HTTP_STATUS_BY_CODE[exception.code],
      body: {
        code: exception.code,
        message: exception.message,
        ...(exception.details ? { details: exception.details } : {}),
        ...(exception.retryAfterMs !== undefined ? { retryAfterMs: exception.retryAfterMs } : {}),
      },
      unexpected: exception.code === ErrorCode.INTERNAL,
    };
  }
  if (exception instanceof HttpException) {
    // Express/body-parser errors arrive wrapped; their `type` says what went wrong.
    const cause = exception.cause as (MiddlewareError & Error) | undefined;
    if (cause && typeof cause === 'object' && typeof cause.type === 'string') return normalizeError(cause);
    if (cause instanceof URIError) {
      return {
        status: 400,
        body: { code: ErrorCode.VALIDATION_FAILED, message: 'The URL is malformed', details: [{ field: 'path', message: 'bad percent-encoding' }] },
        unexpected: false,
      };
    }
    const status = exception.getStatus();
    if (status === 400) {
      // Only the framework throws these (we throw AppError): its text may be a parser's internals.
      return {
        status: 400,
        body: { code: ErrorCode.VALIDATION_FAILED, message: 'The request could not be read', details: [{ field: 'body', message: 'could not be read' }] },
        unexpected: false,
      };
    }
    const code = CODE_BY_HTTP_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION_FAILED);
    const message = code === ErrorCode.INTERNAL ? 'Internal server error' : (SAFE_MESSAGES[code] ?? exception.message);
    return { status: HTTP_STATUS_BY_CODE[code], body: { code, message }, unexpected: status >= 500 && status !== 503 };
  }
  const mw = exception as MiddlewareError | undefined;
  if (mw && typeof mw === 'object' && typeof mw.type === 'string') {
    if (mw.type === 'entity.parse.failed') {
      return {
        status: 400,
        body: { code: ErrorCode.VALIDATION_FAILED, message: 'Request body is not valid JSON', details: [{ field: 'body', message: 'malformed JSON' }] },
        unexpected: false,
      };
    }
    if (mw.type === 'entity.too.large') {
      return { status: 413, body: { code: ErrorCode.PAYLOAD_TOO_LARGE, message: 'Request body is too large' }, unexpected: false };
    }
    const status = mw.status ?? mw.statusCode ?? HttpStatus.BAD_REQUEST;
    if (status >= 400 && status < 500) {
      return {
        status: 400,
        body: { code: ErrorCode.VALIDATION_FAILED, message: 'Request body could not be read', details: [{ field: 'body', message: mw.type }] },
        unexpected: false,
      };
    }
  }
  switch (classifyDependencyError(exception)) {
    case 'unavailable':
      return {
        status: 503,
        body: { code: ErrorCode.UNAVAILABLE, message: 'A service this request needs is unavailable or busy; try again shortly', retryAfterMs: 1000 },
        unexpected: false,
      };
    case 'conflict':
      return { status: 409, body: { code: ErrorCode.CONFLICT, message: 'The request conflicts with a concurrent change; reload and try again' }, unexpected: true };
    case 'invalid':
      return { status: 400, body: { code: ErrorCode.VALIDATION_FAILED, message: 'A value is out of range or malformed' }, unexpected: true };
    default:
      return { status: 500, body: { code: ErrorCode.INTERNAL, message: 'Internal server error' }, unexpected: true };
  }
}
