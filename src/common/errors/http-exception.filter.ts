import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorEnvelope, normalizeError } from './error-envelope';
import { resolveRequestId, RequestWithId } from '../http/request-id';
import { redactQueryString } from '../logging/logging.module';

/** Every HTTP error, ours or the framework's, leaves as the contract's envelope. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const requestId = (req as Partial<RequestWithId>).id ?? resolveRequestId(undefined);
    const { status, body, unexpected } = normalizeError(exception);

    if (unexpected) {
      this.logger.error({ err: safeError(exception), requestId, method: req.method, url: redactQueryString(req.originalUrl) }, 'Unhandled error');
    } else if (!(req as { log?: unknown }).log) {
      // Refused before the request logger ran (malformed JSON, wrong content type, too large).
      this.logger.warn({ requestId, method: req.method, url: redactQueryString(req.originalUrl), status, code: body.code }, 'request refused');
    }
    if (res.headersSent) return;
    if (body.retryAfterMs !== undefined) {
      res.setHeader('Retry-After', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
    }
    res.setHeader('X-Request-Id', requestId);
    const envelope: ErrorEnvelope = { error: { ...body, requestId } };
    res.status(status).json(envelope);
  }
}

/** Type, message and stack only: a driver error's query parameters may hold personal data or hashes. */
export function safeError(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) return { type: err.name, message: err.message, stack: err.stack };
  return { type: typeof err, message: String(err) };
}
