import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import Redis from 'ioredis';
import { Public } from '../../common/auth/http-auth.guard';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { ApiErrors } from '../../common/http/swagger';
import { REDIS } from '../../common/redis/redis.module';
import { ShutdownState } from '../../common/lifecycle/shutdown';
import { RateLimitAs } from '../../common/rate-limit/http-rate-limit.guard';

@ApiTags('operations')
@Public()
@RateLimitAs('none')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
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

  /** PostgreSQL and Redis both answer; 503 UNAVAILABLE naming what is down otherwise. */
  @Get('ready')
  @ApiOkResponse({ schema: { example: { status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } } } })
  @ApiErrors(ErrorCode.UNAVAILABLE)
  async ready(): Promise<unknown> {
    if (this.shutdown.draining) {
      throw new AppError(ErrorCode.UNAVAILABLE, 'Not ready: shutting down', [{ field: 'process', message: 'shutting down' }]);
    }
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { timeout: 1500 }),
        () =>
          this.indicators
            .check('redis')
            .attempt(async () => {
              await this.redis.ping();
            })
            .withTimeout(1500),
      ]);
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
