import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { AuthedSocket } from './ws-auth';

/**
 * Per-user limits on client events, shared by every node and device (see
 * RateLimitService.takeSocketEvent). A refusal is a RATE_LIMITED ack with retryAfterMs; the
 * socket stays open.
 */
@Injectable()
export class WsRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimitService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ws = context.switchToWs();
    const waitMs = await this.limits.takeSocketEvent(ws.getClient<AuthedSocket>().data.actor.userId, String(ws.getPattern()));
    if (waitMs > 0) throw AppError.rateLimited(waitMs);
    return true;
  }
}
