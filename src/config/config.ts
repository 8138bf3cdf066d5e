import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidationOptions,
  validateSync,
} from 'class-validator';

/**
 * The only reader of process.env. Everything else receives an AppConfig.
 * Values are validated once at boot; a bad or missing value stops the process
 * with a message naming every bad key.
 */
const DEV_JWT_SECRET = 'parley-development-only-secret-change-me-0123456789';

const toInt = ({ value }: { value: unknown }): unknown =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
};

export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/parley';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix for every Redis key this process writes (lets tests and tenants share one Redis). */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]*$/, { message: 'REDIS_KEY_PREFIX may only contain letters, digits, ":", "_" and "-"' })
  REDIS_KEY_PREFIX = 'parley:';

  @ValidateIf((o: EnvironmentVariables) => o.NODE_ENV === 'production' || o.JWT_ACCESS_SECRET !== undefined)
  @IsString({ message: 'JWT_ACCESS_SECRET is required in production' })
  @MinLength(32, { message: 'JWT_ACCESS_SECRET must be at least 32 characters' })
  JWT_ACCESS_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86400)
  JWT_ACCESS_TTL_SECONDS = 900;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  RATE_LIMIT_AUTH_PER_MINUTE = 10;

  /** Express "trust proxy": false (default), true, a hop count, or a comma-separated list of addresses/subnets. */
  @IsString()
  TRUST_PROXY = 'false';

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(100000)
  MAX_GROUP_MEMBERS = 1000;

  /** Text search configuration of message search (simple: every language, no stemming; english, german, ...: stemming). Checked against pg_ts_config at boot. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'SEARCH_LANGUAGE must be the name of a PostgreSQL text search configuration, such as simple or english' })
  SEARCH_LANGUAGE = 'simple';

  /** A search statement running longer is cancelled (503 UNAVAILABLE) so that no query can hold a connection. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60000)
  SEARCH_STATEMENT_TIMEOUT_MS = 2000;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean()
  @IsOptional()
  MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 10000;

  /** How long a stopping node reports not-ready before closing its HTTP server. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  @IsLessThan('SHUTDOWN_TIMEOUT_MS', { message: 'SHUTDOWN_DRAIN_MS must be less than SHUTDOWN_TIMEOUT_MS, or every shutdown runs into the deadline' })
  SHUTDOWN_DRAIN_MS = 2000;

  @IsString()
  CORS_ORIGINS = '*';

  /** Browser origins allowed to open a socket (comma-separated), or * for any. Checked on the handshake. Unset: CORS_ORIGINS. */
  @IsOptional()
  @IsString()
  WS_ALLOWED_ORIGINS?: string;

  /** Largest socket event payload; a bigger one closes the connection. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  WS_MAX_PAYLOAD_BYTES = 1_000_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  WS_SEND_RATE_PER_SECOND = 10;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  WS_SEND_BURST = 20;

  /** Every other client event (read, typing, sync, ...), per user. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  WS_EVENT_RATE_PER_SECOND = 30;

  /** messages.sync and conversation.delivered at once after a reconnect, per user (then WS_EVENT_RATE_PER_SECOND). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  WS_SYNC_BURST = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_SOCKETS_PER_USER = 10;

  /** A socket whose unsent output grows past this is dropped (it will catch up by seq). */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

  /** A socket counts as online until this long after its node last refreshed it (a crashed node's sockets lapse). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  PRESENCE_TTL_MS = 60000;

  /** How often the worker looks for users whose last socket lapsed and announces them offline. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  PRESENCE_SWEEP_MS = 10000;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: { host: string; port: number; trustProxy: boolean | number | string; corsOrigins: string[] | true };
  database: { url: string; poolSize: number; migrationsRun: boolean };
  redis: { url: string; keyPrefix: string };
  auth: { accessSecret: string; accessTtlSeconds: number; refreshTtlSeconds: number; rateLimitPerMinute: number };
  messaging: { maxGroupMembers: number };
  search: { language: string; statementTimeoutMs: number };
  realtime: {
    allowedOrigins: string[] | '*';
    sendRatePerSecond: number;
    sendBurst: number;
    eventRatePerSecond: number;
    syncBurst: number;
    maxPayloadBytes: number;
    maxSocketsPerUser: number;
    maxBufferedBytes: number;
    presenceTtlMs: number;
    presenceSweepMs: number;
  };
  logLevel: string;
  shutdownTimeoutMs: number;
  shutdownDrainMs: number;
}

/** Never echoed back in error messages. */
const SECRET_KEYS = new Set(['JWT_ACCESS_SECRET', 'DATABASE_URL', 'REDIS_URL']);

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function parseOrigins(value: string): '*' | string[] {
  return value === '*' ? '*' : value.split(',').map((o) => o.trim());
}

/** The property must be less than another numeric property of the same object. */
function IsLessThan(other: keyof EnvironmentVariables, options: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: { validate: (value: unknown, args) => typeof value === 'number' && value < Number((args?.object as EnvironmentVariables)[other]) },
    });
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false' || value === '') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new EnvironmentVariables());
  const raw: Record<string, unknown> = {};
  for (const key of [...known, 'JWT_ACCESS_SECRET', 'WS_ALLOWED_ORIGINS']) {
    // An empty value means "unset": take the default.
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const vars = plainToInstance(EnvironmentVariables, raw);
  const errors = validateSync(vars, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new ConfigValidationError(
      errors.map(
        (e) =>
          `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}` +
          (SECRET_KEYS.has(e.property) ? '' : ` (got ${JSON.stringify(e.value)})`),
      ),
    );
  }
  return Object.freeze({
    env: vars.NODE_ENV,
    http: {
      host: vars.HOST,
      port: vars.PORT,
      trustProxy: parseTrustProxy(vars.TRUST_PROXY),
      corsOrigins: vars.CORS_ORIGINS === '*' ? (true as const) : vars.CORS_ORIGINS.split(',').map((s) => s.trim()),
    },
    database: { url: vars.DATABASE_URL, poolSize: vars.DATABASE_POOL_SIZE, migrationsRun: vars.MIGRATIONS_RUN },
    redis: { url: vars.REDIS_URL, keyPrefix: vars.REDIS_KEY_PREFIX },
    auth: {
      accessSecret: vars.JWT_ACCESS_SECRET ?? DEV_JWT_SECRET,
      accessTtlSeconds: vars.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: vars.REFRESH_TOKEN_TTL_SECONDS,
      rateLimitPerMinute: vars.RATE_LIMIT_AUTH_PER_MINUTE,
    },
    messaging: { maxGroupMembers: vars.MAX_GROUP_MEMBERS },
    search: { language: vars.SEARCH_LANGUAGE, statementTimeoutMs: vars.SEARCH_STATEMENT_TIMEOUT_MS },
    realtime: {
      allowedOrigins: parseOrigins(vars.WS_ALLOWED_ORIGINS ?? vars.CORS_ORIGINS),
      maxPayloadBytes: vars.WS_MAX_PAYLOAD_BYTES,
      sendRatePerSecond: vars.WS_SEND_RATE_PER_SECOND,
      sendBurst: vars.WS_SEND_BURST,
      eventRatePerSecond: vars.WS_EVENT_RATE_PER_SECOND,
      syncBurst: vars.WS_SYNC_BURST,
      maxSocketsPerUser: vars.WS_MAX_SOCKETS_PER_USER,
      maxBufferedBytes: vars.WS_MAX_BUFFERED_BYTES,
      presenceTtlMs: vars.PRESENCE_TTL_MS,
      presenceSweepMs: vars.PRESENCE_SWEEP_MS,
    },
    logLevel: vars.LOG_LEVEL,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
  });
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
