import { CallHandler, CanActivate, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, finalize } from 'rxjs';
import { AppError, ErrorCode } from '../errors/app-error';
import { ShutdownState } from '../lifecycle/shutdown';

/**
 * Once the node is draining, a new socket event is refused with UNAVAILABLE (the client
 * retries after reconnecting elsewhere). A guard placed before the rate limit, so a refused
 * event costs the user no token.
 */
@Injectable()
export class WsDrainGuard implements CanActivate {
  constructor(private readonly shutdown: ShutdownState) {}

  canActivate(): boolean {
    if (this.shutdown.draining) throw new AppError(ErrorCode.UNAVAILABLE, 'This server is shutting down: reconnect and try again');
    return true;
  }
}

/** Counts the socket commands running, so a shutdown lets them answer before it closes the sockets. */
@Injectable()
export class WsInFlightInterceptor implements NestInterceptor {
  constructor(private readonly shutdown: ShutdownState) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.shutdown.commandStarted();
    return next.handle().pipe(finalize(() => this.shutdown.commandFinished()));
  }
}
