import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, finalize } from 'rxjs';
import { AppError, ErrorCode } from '../errors/app-error';
import { ShutdownState } from '../lifecycle/shutdown';

/**
 * Counts the socket commands running, so a shutdown lets them answer before it closes the
 * sockets; once draining, a new event is refused with UNAVAILABLE (retry after reconnecting).
 */
@Injectable()
export class WsDrainInterceptor implements NestInterceptor {
  constructor(private readonly shutdown: ShutdownState) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.shutdown.draining) throw new AppError(ErrorCode.UNAVAILABLE, 'This server is shutting down: reconnect and try again');
    this.shutdown.commandStarted();
    return next.handle().pipe(finalize(() => this.shutdown.commandFinished()));
  }
}
