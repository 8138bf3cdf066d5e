import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '../../common/auth/http-auth.guard';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { ApiErrors } from '../../common/http/swagger';
import { REDIS } from '../../common/redis/redis.module';
import { ShutdownState } from '../../common/lifecycle/shutdown';
import { RateLimitAs } from '../../common/rate-limit/http-rate-limit.guard';
import { Db } from '../../database/db';

/** Each dependency gets this long to answer before it counts as down. */
const CHECK_TIMEOUT_MS = 1500;

export interface ReadyView {
  status: 'ok';
  checks: Record<string, 'up'>;
}

@ApiTags('operations')
@Public()
@RateLimitAs('none')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: Db,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is up (no dependency checks: a restart would not fix them). */
  @Get('live')
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every dependency answers, each named; 503 UNAVAILABLE with one detail per dependency down otherwise. */
  @Get('ready')
  @ApiOkResponse({ schema: { example: { status: 'ok', checks: { postgres: 'up', redis: 'up' } } } })
  @ApiErrors(ErrorCode.UNAVAILABLE)
  async ready(): Promise<ReadyView> {
    if (this.shutdown.draining) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'Not ready: shutting down', [{ field: 'process', message: 'shutting down' }]);
    }
    try {
      const result = await this.health.check([
        () =>
          this.indicators
            .check('postgres')
            .attempt(() => this.db.ping())
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => {
              await this.redis.ping();
            })
            .withTimeout(CHECK_TIMEOUT_MS),
      ]);
      return { status: 'ok', checks: Object.fromEntries(Object.keys(result.info ?? {}).map((name) => [name, 'up' as const])) };
    } catch (err) {
      const response = (err as { getResponse?: () => unknown }).getResponse?.() as { error?: Record<string, unknown> } | undefined;
      const down = Object.keys(response?.error ?? {});
      throw new AppError(
        ErrorCode.UNAVAILABLE,
        `Not ready: ${down.join(', ') || 'a dependency'} down`,
        down.map((field) => ({ field, message: 'down' })),
      );
    }
  }
}
