import { DynamicModule, Module } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options as PinoHttpOptions } from 'pino-http';
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

/**
 * A URL as logged: the path, and the query's parameter names with their values replaced, so
 * search terms, filters and cursors (what people look for) never reach a log line.
 */
export function redactQueryString(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/** The request logger's options: one request id per line, secrets and query values redacted, health checks quiet. */
export function pinoHttpOptions(config: Pick<AppConfig, 'logLevel'>): PinoHttpOptions {
  return {
    level: config.logLevel,
    // requestIdMiddleware has already set req.id; fall back for anything that bypassed it.
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? resolveRequestId(req.headers['x-request-id']),
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // Applied to pino's own request summary (method, url, headers, ...).
      req: (req: Record<string, unknown>) => ({ ...req, url: redactQueryString(req.url), query: undefined, params: undefined }),
    },
    customProps: () => ({ service: 'parley-api' }),
    autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health/') },
  };
}

/** Structured JSON logs, one request id on every line of a request (pino-http). */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(config) })],
    };
  }
}
