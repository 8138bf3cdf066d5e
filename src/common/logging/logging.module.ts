import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/config';
import { resolveRequestId } from '../http/request-id';

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

/** Structured JSON logs, one request id on every line of a request (pino-http). */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // requestIdMiddleware has already set req.id; fall back for anything that bypassed it.
            genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? resolveRequestId(req.headers['x-request-id']),
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            customProps: () => ({ service: 'parley-api' }),
            autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
          },
        }),
      ],
    };
  }
}
