import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { normalizeError } from './error-envelope';
import { safeError } from './http-exception.filter';

export interface WsAckError {
  ok: false;
  error: ReturnType<typeof normalizeError>['body'] & { requestId: string };
}

/** Maps the same codes as the HTTP filter to a Socket.IO acknowledgement `{ ok: false, error }`. */
@Catch()
export class WsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WsExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    // Socket.IO handler args are [client, data, ack, pattern].
    const ack: unknown = host.getArgByIndex(2);
    const pattern: unknown = host.getArgByIndex(3);
    const requestId = randomUUID();
    const { body, unexpected } = normalizeError(exception);
    if (unexpected) {
      this.logger.error({ err: safeError(exception), requestId, event: pattern }, 'Unhandled error in socket event');
    }
    const reply: WsAckError = { ok: false, error: { ...body, requestId } };
    if (typeof ack === 'function') {
      (ack as (r: WsAckError) => void)(reply);
    }
  }
}
