import { plainToInstance, Transform } from 'class-transformer';
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
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

  /** Statements running longer are cancelled; a PostgreSQL that does not answer at all is given up on a little after. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  DATABASE_STATEMENT_TIMEOUT_MS = 2000;

  /** How long a statement waits for a row lock before it gives up (503). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(600000)
  DATABASE_LOCK_TIMEOUT_MS = 1500;

  /** Opening a connection, or waiting for a free one in the pool. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  DATABASE_CONNECT_TIMEOUT_MS = 2000;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** A Redis command not answered within this time fails (the caller answers 503 or falls back). */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  REDIS_CONNECT_TIMEOUT_MS = 2000;

  /** A call with a fallback (the session cache: PostgreSQL; rate limits: this process) waits this long for Redis before it takes it. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  REDIS_FALLBACK_AFTER_MS = 250;

  /** Prefix for every Redis key this process writes (lets tests and tenants share one Redis). */
  @IsString()
  @Matches(/^[A-Za-z0-9:_-]*$/, { message: 'REDIS_KEY_PREFIX may only contain letters, digits, ":", "_" and "-"' })
  REDIS_KEY_PREFIX = 'parley:';

  @ValidateIf((o: EnvironmentVariables) => o.NODE_ENV === 'production' || o.JWT_ACCESS_SECRET !== undefined)
  @IsString({ message: 'JWT_ACCESS_SECRET is required in production' })
  @MinLength(32, { message: 'JWT_ACCESS_SECRET must be at least 32 characters' })
  JWT_ACCESS_SECRET?: string;

  /** Where a single process keeps what it generates for itself (the signing key when JWT_ACCESS_SECRET is unset). */
  @IsString()
  @MinLength(1)
  DATA_DIR = 'data';

  /** A rotated refresh token presented again within this many seconds gets a fresh pair of the same session (two tabs refreshing at once). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(300)
  REFRESH_REUSE_GRACE_SECONDS = 10;

  /** How long a node may rely on Redis's word that a session is live before asking PostgreSQL again. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SESSION_CACHE_SECONDS = 30;

  /** argon2id parameters (OWASP: 19 MiB, 2 iterations, 1 lane); a login rehashes a password stored with other ones. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(4 * 1024 * 1024)
  PASSWORD_HASH_MEMORY_KIB = 19456;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  PASSWORD_HASH_ITERATIONS = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  PASSWORD_HASH_PARALLELISM = 1;

  /** Password hashes computed at once; more wait in line, and beyond PASSWORD_HASH_QUEUE are refused with 503. Unset: half the cores (at least 1), so a login flood leaves the rest for everything else. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  PASSWORD_HASH_CONCURRENCY?: number;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10000)
  PASSWORD_HASH_QUEUE = 32;

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

  /** Failed logins for one name from one address within 15 minutes before that pair is refused (429) for the rest of the window. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  LOGIN_FAILURES_PER_IP_AND_NAME = 5;

  /** Failed logins for one name from anywhere within 15 minutes after which each attempt on it is slowed down (never refused). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_SLOWDOWN_AFTER_FAILURES = 10;

  /** REST requests per user (per address when anonymous) and minute, by class; sends share WS_SEND_RATE_PER_SECOND / WS_SEND_BURST with message.send. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  RATE_LIMIT_READS_PER_MINUTE = 600;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  RATE_LIMIT_WRITES_PER_MINUTE = 120;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  RATE_LIMIT_SEARCH_PER_MINUTE = 60;

  /** Requests (REST and socket events) one user may have running at once in one process; more wait a moment, then 429. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  MAX_CONCURRENT_REQUESTS_PER_USER = 6;

  /** Searches running at once in one process (a few more wait; beyond, 503). Unset: half the database pool. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  SEARCH_CONCURRENCY?: number;

  /** Express "trust proxy": false (default), true, a hop count, or a comma-separated list of addresses/subnets. */
  @IsString()
  TRUST_PROXY = 'false';

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(100000)
  MAX_GROUP_MEMBERS = 1000;

  /** Previous versions kept per message; an edit beyond it is refused (409). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  MESSAGE_MAX_EDITS = 100;

  /** Distinct reactions one user may put on one message (409 beyond). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  MESSAGE_MAX_REACTIONS_PER_USER = 20;

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

  /** Serve the Swagger UI at /docs and the OpenAPI document at /docs-json. */
  @Transform(toBool)
  @IsBoolean()
  DOCS_ENABLED = true;

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

  /** Open socket connections per client address and node, counted before any token is seen (the next is refused at the transport). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  WS_MAX_CONNECTIONS_PER_ADDRESS = 100;

  /** Socket handshakes per user and minute, across nodes (connect_error RATE_LIMITED beyond): bounds reconnect churn. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  WS_HANDSHAKES_PER_MINUTE = 30;

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

  /** A user whose last device left is announced offline only after this long, and not at all if a device came back: reconnect flaps stay quiet. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  PRESENCE_OFFLINE_DELAY_MS = 5000;

  /** How often the worker deletes ended and expired sessions and expired refresh tokens. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  SESSION_PURGE_SWEEP_SECONDS = 3600;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  dataDir: string;
  http: { host: string; port: number; trustProxy: boolean | number | string; corsOrigins: string[] | '*'; docsEnabled: boolean };
  database: { url: string; poolSize: number; migrationsRun: boolean; statementTimeoutMs: number; lockTimeoutMs: number; connectTimeoutMs: number };
  redis: { url: string; keyPrefix: string; commandTimeoutMs: number; connectTimeoutMs: number; fallbackAfterMs: number };
  auth: {
    accessSecret: string;
    /** Where the signing key came from: configured, or generated and kept in DATA_DIR. */
    accessSecretSource: 'env' | 'data-dir';
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    refreshReuseGraceSeconds: number;
    sessionCacheSeconds: number;
    rateLimitPerMinute: number;
    loginFailuresPerIpAndName: number;
    loginSlowdownAfterFailures: number;
    passwordHash: { memoryKib: number; iterations: number; parallelism: number; concurrency: number; queue: number };
  };
  rateLimits: { readsPerMinute: number; writesPerMinute: number; searchPerMinute: number; concurrentPerUser: number };
  messaging: { maxGroupMembers: number; maxEdits: number; maxReactionsPerUser: number };
  search: { language: string; statementTimeoutMs: number; concurrency: number };
  realtime: {
    allowedOrigins: string[] | '*';
    sendRatePerSecond: number;
    sendBurst: number;
    eventRatePerSecond: number;
    syncBurst: number;
    maxPayloadBytes: number;
    maxSocketsPerUser: number;
    maxConnectionsPerAddress: number;
    handshakesPerMinute: number;
    maxBufferedBytes: number;
    presenceTtlMs: number;
    presenceSweepMs: number;
    presenceOfflineDelayMs: number;
  };
  sessionPurgeSweepSeconds: number;
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

const SECRET_FILE = 'jwt-access-secret';

/**
 * No key that is in the repository ever signs a token: without JWT_ACCESS_SECRET (not allowed
 * in production) a single process generates a random key at first start and keeps it in
 * DATA_DIR, readable by its owner only. Two processes starting at once agree: the file is
 * created exclusively, and the loser reads the winner's.
 */
function dataDirSecret(dataDir: string): string {
  const file = path.join(dataDir, SECRET_FILE);
  const read = (): string | null => {
    try {
      const value = readFileSync(file, 'utf8').trim();
      return value.length >= 32 ? value : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  const existing = read();
  if (existing) return existing;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(48).toString('base64url');
  // Written whole under a private name, then linked into place: a link never overwrites, and
  // a reader never sees a half-written key.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${secret}\n`, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(draft, file);
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const winner = read();
    if (!winner) throw new ConfigValidationError([`JWT_ACCESS_SECRET: unset, and ${file} holds no usable key (delete it to generate a new one)`]);
    return winner;
  } finally {
    unlinkSync(draft);
  }
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
  for (const key of [...known, 'JWT_ACCESS_SECRET', 'WS_ALLOWED_ORIGINS', 'SEARCH_CONCURRENCY', 'PASSWORD_HASH_CONCURRENCY']) {
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
  const dataDir = path.resolve(vars.DATA_DIR);
  return Object.freeze({
    env: vars.NODE_ENV,
    dataDir,
    http: {
      host: vars.HOST,
      port: vars.PORT,
      trustProxy: parseTrustProxy(vars.TRUST_PROXY),
      corsOrigins: parseOrigins(vars.CORS_ORIGINS),
      docsEnabled: vars.DOCS_ENABLED,
    },
    database: {
      url: vars.DATABASE_URL,
      poolSize: vars.DATABASE_POOL_SIZE,
      migrationsRun: vars.MIGRATIONS_RUN,
      statementTimeoutMs: vars.DATABASE_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: vars.DATABASE_LOCK_TIMEOUT_MS,
      connectTimeoutMs: vars.DATABASE_CONNECT_TIMEOUT_MS,
    },
    redis: {
      url: vars.REDIS_URL,
      keyPrefix: vars.REDIS_KEY_PREFIX,
      commandTimeoutMs: vars.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeoutMs: vars.REDIS_CONNECT_TIMEOUT_MS,
      fallbackAfterMs: vars.REDIS_FALLBACK_AFTER_MS,
    },
    auth: {
      accessSecret: vars.JWT_ACCESS_SECRET ?? dataDirSecret(dataDir),
      accessSecretSource: vars.JWT_ACCESS_SECRET ? ('env' as const) : ('data-dir' as const),
      accessTtlSeconds: vars.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: vars.REFRESH_TOKEN_TTL_SECONDS,
      refreshReuseGraceSeconds: vars.REFRESH_REUSE_GRACE_SECONDS,
      sessionCacheSeconds: vars.SESSION_CACHE_SECONDS,
      rateLimitPerMinute: vars.RATE_LIMIT_AUTH_PER_MINUTE,
      loginFailuresPerIpAndName: vars.LOGIN_FAILURES_PER_IP_AND_NAME,
      loginSlowdownAfterFailures: vars.LOGIN_SLOWDOWN_AFTER_FAILURES,
      passwordHash: {
        memoryKib: vars.PASSWORD_HASH_MEMORY_KIB,
        iterations: vars.PASSWORD_HASH_ITERATIONS,
        parallelism: vars.PASSWORD_HASH_PARALLELISM,
        concurrency: vars.PASSWORD_HASH_CONCURRENCY ?? Math.max(1, Math.floor(availableParallelism() / 2)),
        queue: vars.PASSWORD_HASH_QUEUE,
      },
    },
    rateLimits: {
      readsPerMinute: vars.RATE_LIMIT_READS_PER_MINUTE,
      writesPerMinute: vars.RATE_LIMIT_WRITES_PER_MINUTE,
      searchPerMinute: vars.RATE_LIMIT_SEARCH_PER_MINUTE,
      concurrentPerUser: vars.MAX_CONCURRENT_REQUESTS_PER_USER,
    },
    messaging: { maxGroupMembers: vars.MAX_GROUP_MEMBERS, maxEdits: vars.MESSAGE_MAX_EDITS, maxReactionsPerUser: vars.MESSAGE_MAX_REACTIONS_PER_USER },
    search: {
      language: vars.SEARCH_LANGUAGE,
      statementTimeoutMs: vars.SEARCH_STATEMENT_TIMEOUT_MS,
      concurrency: vars.SEARCH_CONCURRENCY ?? Math.max(1, Math.floor(vars.DATABASE_POOL_SIZE / 2)),
    },
    realtime: {
      allowedOrigins: parseOrigins(vars.WS_ALLOWED_ORIGINS ?? vars.CORS_ORIGINS),
      maxPayloadBytes: vars.WS_MAX_PAYLOAD_BYTES,
      sendRatePerSecond: vars.WS_SEND_RATE_PER_SECOND,
      sendBurst: vars.WS_SEND_BURST,
      eventRatePerSecond: vars.WS_EVENT_RATE_PER_SECOND,
      syncBurst: vars.WS_SYNC_BURST,
      maxSocketsPerUser: vars.WS_MAX_SOCKETS_PER_USER,
      maxConnectionsPerAddress: vars.WS_MAX_CONNECTIONS_PER_ADDRESS,
      handshakesPerMinute: vars.WS_HANDSHAKES_PER_MINUTE,
      maxBufferedBytes: vars.WS_MAX_BUFFERED_BYTES,
      presenceTtlMs: vars.PRESENCE_TTL_MS,
      presenceSweepMs: vars.PRESENCE_SWEEP_MS,
      presenceOfflineDelayMs: vars.PRESENCE_OFFLINE_DELAY_MS,
    },
    sessionPurgeSweepSeconds: vars.SESSION_PURGE_SWEEP_SECONDS,
    logLevel: vars.LOG_LEVEL,
    shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
    shutdownDrainMs: vars.SHUTDOWN_DRAIN_MS,
  });
}

/** Injection token for the validated configuration. */
export const APP_CONFIG = Symbol('APP_CONFIG');
