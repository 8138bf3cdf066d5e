import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../config/config';
import { REDIS } from '../../common/redis/redis.module';

export interface PresenceView {
  userId: string;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
}

const LAST_SEEN_TTL_SECONDS = 90 * 24 * 3600;

/**
 * Takes one user whose sockets have all lapsed off the online index, atomically, so that
 * of several sweepers exactly one announces them. KEYS: online index, the user's sockets.
 * ARGV: user id, now (ms), last-seen TTL (s). Returns the lapse time
 * (ms) when this call took the user off, else false.
 */
const TAKE_LAPSED = `
local lapse = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not lapse or tonumber(lapse) > tonumber(ARGV[2]) then return false end
if redis.call('ZCOUNT', KEYS[2], ARGV[2], '+inf') > 0 then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
return lapse
`;

/**
 * Removes one socket; when the user has no live socket left, records the last-seen time and
 * takes them off the online index. KEYS: the user's sockets, online index, last-seen.
 * ARGV: socket id, user id, now (ms), last-seen time, its TTL (s). Returns 1 when offline now
 * (0 as well for a socket already forgotten, so nobody is announced offline twice).
 */
/** How long a handshake may hold a socket place before connecting. */
const PENDING_HOLD_MS = 10000;

/**
 * KEYS: the user's sockets, their handshakes under way. ARGV: socket id, now (ms), cap,
 * hold (ms). Returns 1 and holds a place, or 0 when live sockets and holds reach the cap.
 */
const RESERVE_SOCKET = `
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCOUNT', KEYS[1], now, '+inf') + redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]))
return 1
`;

/**
 * Takes one user's pending offline announcement when it is due, atomically, so that of the
 * node's timer and the worker's sweep exactly one announces it; none when a device is back.
 * KEYS: pending-offline index, the user's sockets, last-seen. ARGV: user id, now (ms).
 * Returns the last-seen time to announce, else false.
 */
const TAKE_DUE_OFFLINE = `
local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not due or tonumber(due) > tonumber(ARGV[2]) then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCOUNT', KEYS[2], ARGV[2], '+inf') > 0 then return false end
return redis.call('GET', KEYS[3]) or false
`;

const FORGET_SOCKET = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf') > 0 then return 0 end
redis.call('SET', KEYS[3], ARGV[4], 'EX', ARGV[5])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`;

/**
 * Presence in Redis, correct across devices and nodes: each user has a sorted set of
 * socket ids scored by when they lapse. Online = at least one unlapsed socket on any node.
 * Each node refreshes its own sockets' scores every third of the TTL, so a crashed node's
 * sockets lapse. An index of online users scored by their latest lapse time lets a
 * sweeper (the worker) find users whose last socket lapsed and announce them offline.
 */
@Injectable()
export class PresenceService implements OnModuleDestroy {
  private readonly local = new Map<string, string>(); // socketId -> userId
  private readonly timer: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.ttlMs = config.realtime.presenceTtlMs;
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), Math.ceil(this.ttlMs / 3));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Whether this node has recorded the socket (and not forgotten it yet). */
  isTracked(socketId: string): boolean {
    return this.local.has(socketId);
  }

  /**
   * Holds one of the user's `cap` socket places for a handshake, atomically across nodes
   * (live sockets and other handshakes under way both count); false when all are taken.
   * connected() turns the hold into the socket's entry; an abandoned hold lapses.
   */
  async reserve(userId: string, socketId: string, cap: number): Promise<boolean> {
    const taken = await this.redis.eval(RESERVE_SOCKET, 2, this.socketsKey(userId), this.pendingKey(userId), socketId, Date.now(), cap, PENDING_HOLD_MS);
    return taken === 1;
  }

  /** Gives back a handshake's place when it does not become a socket. */
  async release(userId: string, socketId: string): Promise<void> {
    await this.redis.zrem(this.pendingKey(userId), socketId);
  }

  /** Records a socket; true when the user just came online (had no live socket before). */
  async connected(userId: string, socketId: string): Promise<boolean> {
    this.local.set(socketId, userId);
    const now = Date.now();
    const [, [, before]] = (await this.redis
      .multi()
      .zremrangebyscore(this.socketsKey(userId), '-inf', now)
      .zcard(this.socketsKey(userId))
      .zadd(this.socketsKey(userId), now + this.ttlMs, socketId)
      .pexpire(this.socketsKey(userId), this.ttlMs * 2)
      .zadd(this.onlineKey(), 'GT', now + this.ttlMs, userId)
      .zrem(this.pendingKey(userId), socketId)
      .exec()) as [unknown, [unknown, number]];
    return before === 0;
  }

  /**
   * Forgets a socket; the last-seen time when that was the user's last live socket, else
   * null. One script, so a connect on another node cannot fall between the count and the
   * removal from the online index.
   */
  async disconnected(userId: string, socketId: string): Promise<string | null> {
    this.local.delete(socketId);
    const now = Date.now();
    const lastSeenAt = new Date(now).toISOString();
    const wentOffline = await this.redis.eval(
      FORGET_SOCKET,
      3,
      this.socketsKey(userId),
      this.onlineKey(),
      this.lastSeenKey(userId),
      socketId,
      userId,
      now,
      lastSeenAt,
      LAST_SEEN_TTL_SECONDS,
    );
    return wentOffline === 1 ? lastSeenAt : null;
  }

  /** Announces the user offline at `dueAt` unless a device comes back first (see takeDueOffline). */
  async scheduleOffline(userId: string, dueAt: number): Promise<void> {
    await this.redis.zadd(this.pendingOfflineKey(), dueAt, userId);
  }

  /**
   * Called when a user comes online: true when their offline was still pending, so it was
   * never announced and neither needs the online to be (a reconnect flap stays quiet).
   */
  async cancelPendingOffline(userId: string): Promise<boolean> {
    return (await this.redis.zrem(this.pendingOfflineKey(), userId)) === 1;
  }

  /** The due offline announcements (of `userId` only, when given), each taken by exactly one caller. */
  async takeDueOffline(userId?: string, now = Date.now(), batch = 500): Promise<PresenceView[]> {
    const candidates = userId ? [userId] : await this.redis.zrangebyscore(this.pendingOfflineKey(), '-inf', now, 'LIMIT', 0, batch);
    const due: PresenceView[] = [];
    for (const id of candidates) {
      const lastSeenAt = (await this.redis.eval(TAKE_DUE_OFFLINE, 3, this.pendingOfflineKey(), this.socketsKey(id), this.lastSeenKey(id), id, now)) as string | null;
      if (lastSeenAt) due.push({ userId: id, status: 'offline', lastSeenAt });
    }
    return due;
  }

  /** The user's sockets on every node that have not lapsed. */
  liveSockets(userId: string): Promise<number> {
    return this.redis.zcount(this.socketsKey(userId), Date.now(), '+inf');
  }

  async get(userIds: string[]): Promise<PresenceView[]> {
    if (userIds.length === 0) return [];
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const id of userIds) pipeline.zcount(this.socketsKey(id), now, '+inf').get(this.lastSeenKey(id));
    const results = (await pipeline.exec()) as [unknown, unknown][];
    return userIds.map((userId, i) => {
      const live = Number(results[2 * i][1]);
      const lastSeen = results[2 * i + 1][1] as string | null;
      return live > 0 ? { userId, status: 'online', lastSeenAt: null } : { userId, status: 'offline', lastSeenAt: lastSeen };
    });
  }

  /**
   * Users whose every socket lapsed without a disconnect (their node died): each is taken
   * off the online index by exactly one caller, which gets them back to announce offline.
   */
  async takeLapsed(now = Date.now(), batch = 500): Promise<PresenceView[]> {
    const candidates = await this.redis.zrangebyscore(this.onlineKey(), '-inf', now, 'LIMIT', 0, batch);
    const lapsed: PresenceView[] = [];
    for (const userId of candidates) {
      const lapse = (await this.redis.eval(TAKE_LAPSED, 2, this.onlineKey(), this.socketsKey(userId), userId, now)) as
        | string
        | null;
      if (lapse === null) continue;
      // The user was last seen when their node last vouched for them: one TTL before the lapse.
      const lastSeenAt = new Date(Number(lapse) - this.ttlMs).toISOString();
      await this.redis.set(this.lastSeenKey(userId), lastSeenAt, 'EX', LAST_SEEN_TTL_SECONDS);
      lapsed.push({ userId, status: 'offline', lastSeenAt });
    }
    return lapsed;
  }

  /**
   * Vouches for this node's sockets again. A plain ZADD, so a Redis that lost its keys
   * (restarted empty, failed over) learns them back within a third of PRESENCE_TTL_MS. A
   * socket forgotten meanwhile is not re-added: the forget is issued on the same connection
   * after this pipeline, or the socket is no longer in `local` when it is built.
   */
  private async refresh(): Promise<void> {
    if (this.local.size === 0) return;
    const until = Date.now() + this.ttlMs;
    const pipeline = this.redis.pipeline();
    for (const [socketId, userId] of this.local) {
      pipeline
        .zadd(this.socketsKey(userId), until, socketId)
        .pexpire(this.socketsKey(userId), this.ttlMs * 2)
        .zadd(this.onlineKey(), 'GT', until, userId);
    }
    await pipeline.exec();
  }

  private onlineKey(): string {
    return `${this.config.redis.keyPrefix}presence:online`;
  }

  private socketsKey(userId: string): string {
    return `${this.config.redis.keyPrefix}presence:sockets:${userId}`;
  }

  private pendingOfflineKey(): string {
    return `${this.config.redis.keyPrefix}presence:pending-offline`;
  }

  private pendingKey(userId: string): string {
    return `${this.config.redis.keyPrefix}presence:pending:${userId}`;
  }

  private lastSeenKey(userId: string): string {
    return `${this.config.redis.keyPrefix}presence:last-seen:${userId}`;
  }
}
