import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, finalize, from, switchMap } from 'rxjs';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { AuthenticatedActor } from '../auth/actor';
import { AppError, ErrorCode } from '../errors/app-error';
import { AuthedSocket } from '../ws/ws-auth';

/** How long a request waits for one of its user's slots before it is refused (429). */
const MAX_WAIT_MS = 2000;

interface UserSlots {
  running: number;
  waiting: (() => void)[];
}

/**
 * Requests one user may have running at once in this process, REST and socket events together
 * (MAX_CONCURRENT_REQUESTS_PER_USER); as many again times three wait, for up to 2 s, and the
 * rest are refused with 429. The per-minute limits bound how many requests a user makes, not
 * how many run at once: without this, one user firing a minute's budget of heavy reads at the
 * same instant would take every database connection of the process, and everyone else would
 * wait for one. A client's burst at start (a dozen calls at once) only waits a moment.
 */
@Injectable()
export class UserConcurrency {
  private readonly users = new Map<string, UserSlots>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Resolves with the release function once the user has a slot; rejects with RATE_LIMITED when none comes. */
  async enter(userId: string): Promise<() => void> {
    const limit = this.config.rateLimits.concurrentPerUser;
    const slots = this.users.get(userId) ?? { running: 0, waiting: [] };
    this.users.set(userId, slots);
    if (slots.running < limit) {
      slots.running += 1;
    } else {
      if (slots.waiting.length >= 3 * limit) throw tooMany();
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          slots.waiting.splice(slots.waiting.indexOf(wake), 1);
          this.forgetIdle(userId, slots);
          reject(tooMany());
        }, MAX_WAIT_MS);
        slots.waiting.push(wake);
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot goes straight to the next in line, or back.
      const next = slots.waiting.shift();
      if (next) next();
      else {
        slots.running -= 1;
        this.forgetIdle(userId, slots);
      }
    };
  }

  private forgetIdle(userId: string, slots: UserSlots): void {
    if (slots.running === 0 && slots.waiting.length === 0) this.users.delete(userId);
  }
}

const tooMany = () => new AppError(ErrorCode.RATE_LIMITED, 'Too many of your requests are running at once; wait for one to finish', undefined, 1000);

function limited(concurrency: UserConcurrency, userId: string | undefined, next: CallHandler): Observable<unknown> {
  if (!userId) return next.handle();
  return from(concurrency.enter(userId)).pipe(switchMap((release) => next.handle().pipe(finalize(release))));
}

/** UserConcurrency for REST routes (a global interceptor: it runs after authentication). */
@Injectable()
export class HttpUserConcurrencyInterceptor implements NestInterceptor {
  constructor(private readonly concurrency: UserConcurrency) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    return limited(this.concurrency, context.switchToHttp().getRequest<{ actor?: AuthenticatedActor }>().actor?.userId, next);
  }
}

/** UserConcurrency for socket events (on every gateway). */
@Injectable()
export class WsUserConcurrencyInterceptor implements NestInterceptor {
  constructor(private readonly concurrency: UserConcurrency) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'ws') return next.handle();
    return limited(this.concurrency, context.switchToWs().getClient<AuthedSocket>().data.actor.userId, next);
  }
}
