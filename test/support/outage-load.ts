import { io, Socket } from 'socket.io-client';

/**
 * Load and probes for the outage tests: REST senders and readers, a socket sender, and probes of
 * /health/ready, socket handshakes and typing, each call timed and judged against the contract's
 * rules for a dependency outage (an answer within SLOW_MS: a success, 429 RATE_LIMITED or 503
 * UNAVAILABLE in the envelope; never 500, never a hang).
 */

/** No request may take longer than this, outage or not. */
export const SLOW_MS = 3500;
/** The client gives up after this: a request still unanswered then is a hang. */
const CLIENT_TIMEOUT_MS = 8000;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface Sample {
  /** rest.send, rest.read, ws.send, ws.connect, ws.typing, ready */
  kind: string;
  /** When the call was made (epoch ms). */
  at: number;
  ms: number;
  /** The status, ack or handshake outcome: '201', '503', 'ack', 'UNAVAILABLE', 'connected', 'timeout', ... */
  outcome: string;
  /** A success. */
  ok: boolean;
  /** A success or an allowed refusal (429 / 503 in the envelope) within SLOW_MS. */
  allowed: boolean;
  /** Why it is not allowed, or what the refusal named. */
  note?: string;
}

export interface LoadUser {
  id: string;
  accessToken: string;
}

export interface SendRecord {
  clientMessageId: string;
  senderId: string;
  token: string;
  via: 'rest' | 'ws';
  /** Set when the server acknowledged the send (201/200, or ack ok:true). */
  acked?: { id: string; seq: number };
}

const ALLOWED_REFUSALS: Record<number, string> = { 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

interface ErrorBodyLike {
  error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown };
}

/** Why an error answer breaks the rules (undefined: an allowed refusal in the contract's envelope). */
export function refusalProblem(status: number, body: unknown, requestIdHeader: string | null): string | undefined {
  const wanted = ALLOWED_REFUSALS[status];
  if (!wanted) return `status ${status} ${JSON.stringify(body).slice(0, 300)}`;
  if (typeof body !== 'object' || body === null || Object.keys(body).join(',') !== 'error') return `not the envelope: ${JSON.stringify(body).slice(0, 200)}`;
  const e = (body as ErrorBodyLike).error ?? {};
  if (e.code !== wanted) return `status ${status} with code ${String(e.code)}`;
  if (typeof e.message !== 'string' || typeof e.requestId !== 'string') return 'envelope without message or requestId';
  if (e.requestId !== requestIdHeader) return 'error.requestId differs from X-Request-Id';
  return undefined;
}

/** Why an ack breaks the rules (undefined: ok, or an allowed refusal). */
function ackProblem(ack: unknown): string | undefined {
  const a = ack as { ok?: unknown; error?: { code?: unknown; message?: unknown; requestId?: unknown } } | undefined;
  if (a?.ok === true) return undefined;
  const code = a?.error?.code;
  if (a?.ok !== false || (code !== 'UNAVAILABLE' && code !== 'RATE_LIMITED')) return `ack ${JSON.stringify(ack).slice(0, 300)}`;
  if (typeof a.error?.message !== 'string' || typeof a.error?.requestId !== 'string') return 'ack error without message or requestId';
  return undefined;
}

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** One timed REST call, recorded in `samples`; resolves with the answer, or null when none came. */
export async function timedRest(
  samples: Sample[],
  kind: string,
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<RestAnswer | null> {
  const at = Date.now();
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = Date.now() - at;
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Kept as text: refusalProblem names it.
    }
    const ok = res.status >= 200 && res.status < 300;
    const problem = ok ? undefined : refusalProblem(res.status, parsed, res.headers.get('x-request-id'));
    const details = (parsed as ErrorBodyLike | undefined)?.error?.details;
    const note = problem ?? (Array.isArray(details) ? details.map((d: { field?: string }) => d.field).join(',') : undefined);
    samples.push({ kind, at, ms, outcome: String(res.status), ok, allowed: !problem && ms <= SLOW_MS, ...(note ? { note } : {}) });
    return { status: res.status, body: parsed };
  } catch (err) {
    const ms = Date.now() - at;
    const e = err as Error & { cause?: { code?: string } };
    const outcome = e.name === 'TimeoutError' ? 'timeout' : `network ${e.cause?.code ?? e.message}`;
    samples.push({ kind, at, ms, outcome, ok: false, allowed: false, note: `${method} ${path}: ${e.message}` });
    return null;
  }
}

/** A timed Socket.IO handshake, recorded in `samples`: the socket, or null when refused or unanswered. */
export function timedConnect(samples: Sample[], url: string, token: string, kind = 'ws.connect'): Promise<Socket | null> {
  const at = Date.now();
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token } });
  return new Promise((resolve) => {
    const done = (sample: Omit<Sample, 'kind' | 'at' | 'ms'>, result: Socket | null) => {
      clearTimeout(timer);
      socket.off('connect');
      socket.off('connect_error');
      if (!result) socket.close();
      samples.push({ kind, at, ms: Date.now() - at, ...sample, allowed: sample.allowed && Date.now() - at <= SLOW_MS });
      resolve(result);
    };
    const timer = setTimeout(() => done({ outcome: 'timeout', ok: false, allowed: false, note: 'handshake unanswered' }, null), CLIENT_TIMEOUT_MS);
    socket.once('connect', () => done({ outcome: 'connected', ok: true, allowed: true }, socket));
    socket.once('connect_error', (err: Error & { data?: { error?: { code?: string; message?: string } } }) => {
      const code = err.data?.error?.code;
      const allowed = (err.message === 'UNAVAILABLE' || err.message === 'RATE_LIMITED') && code === err.message;
      done({ outcome: code ?? err.message, ok: false, allowed, ...(allowed ? {} : { note: `connect_error ${err.message} ${JSON.stringify(err.data)}` }) }, null);
    });
  });
}

/** A timed emit with acknowledgement, recorded in `samples`: the ack, or null when none came. */
export async function timedEmit(samples: Sample[], kind: string, socket: Socket, event: string, payload: unknown): Promise<{ ok: boolean; data?: unknown } | null> {
  const at = Date.now();
  try {
    const ack = (await socket.timeout(CLIENT_TIMEOUT_MS).emitWithAck(event, payload)) as { ok: boolean; data?: unknown; error?: { code: string } };
    const ms = Date.now() - at;
    const problem = ackProblem(ack);
    samples.push({ kind, at, ms, outcome: ack.ok ? 'ack' : String(ack.error?.code), ok: ack.ok === true, allowed: !problem && ms <= SLOW_MS, ...(problem ? { note: problem } : {}) });
    return ack;
  } catch (err) {
    samples.push({ kind, at, ms: Date.now() - at, outcome: 'timeout', ok: false, allowed: false, note: `${event}: ${(err as Error).message}` });
    return null;
  }
}

export interface MessageLoadOptions {
  url: string;
  conversationId: string;
  /** One REST sending loop per user. */
  restSenders: LoadUser[];
  /** One REST reading loop per user (a page of messages, then the conversation). */
  readers: LoadUser[];
  /** One socket sending loop (message.send with acks); it reconnects when its socket drops. */
  socketSender: LoadUser;
  /** Makes clientMessageIds unique to the scenario. */
  tag: string;
  /** Pause between one loop's calls. */
  gapMs?: number;
}

/** Concurrent senders and readers, running until stop(); every call and every send is recorded. */
export class MessageLoad {
  readonly samples: Sample[] = [];
  readonly sends: SendRecord[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private socket: Socket | null = null;

  constructor(private readonly o: MessageLoadOptions) {}

  async start(): Promise<void> {
    this.socket = await timedConnect(this.samples, this.o.url, this.o.socketSender.accessToken);
    if (!this.socket) throw new Error(`the socket sender could not connect: ${JSON.stringify(this.samples.at(-1))}`);
    this.running = true;
    this.loops = [
      ...this.o.restSenders.map((u, i) => this.restSender(u, i)),
      ...this.o.readers.map((u) => this.reader(u)),
      this.socketSender(this.o.socketSender),
    ];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.socket?.close();
    this.socket = null;
  }

  private async restSender(user: LoadUser, index: number): Promise<void> {
    for (let n = 0; this.running; n++) {
      const record: SendRecord = { clientMessageId: `${this.o.tag}-r${index}-${n}`, senderId: user.id, token: user.accessToken, via: 'rest' };
      this.sends.push(record);
      const res = await timedRest(this.samples, 'rest.send', this.o.url, 'POST', `/v1/conversations/${this.o.conversationId}/messages`, user.accessToken, {
        content: `load ${record.clientMessageId}`,
        clientMessageId: record.clientMessageId,
      });
      if (res && (res.status === 201 || res.status === 200)) acknowledge(record, res.body, this.samples);
      await sleep(this.o.gapMs ?? 40);
    }
  }

  private async reader(user: LoadUser): Promise<void> {
    for (let n = 0; this.running; n++) {
      const path = n % 2 === 0 ? `/v1/conversations/${this.o.conversationId}/messages?limit=20` : `/v1/conversations/${this.o.conversationId}`;
      await timedRest(this.samples, 'rest.read', this.o.url, 'GET', path, user.accessToken);
      await sleep(this.o.gapMs ?? 40);
    }
  }

  private async socketSender(user: LoadUser): Promise<void> {
    for (let n = 0; this.running; n++) {
      if (!this.socket?.connected) {
        this.socket?.close();
        this.socket = await timedConnect(this.samples, this.o.url, user.accessToken);
        if (!this.socket) {
          await sleep(250);
          continue;
        }
      }
      const record: SendRecord = { clientMessageId: `${this.o.tag}-w-${n}`, senderId: user.id, token: user.accessToken, via: 'ws' };
      this.sends.push(record);
      const ack = await timedEmit(this.samples, 'ws.send', this.socket, 'message.send', {
        conversationId: this.o.conversationId,
        content: `load ${record.clientMessageId}`,
        clientMessageId: record.clientMessageId,
      });
      if (ack?.ok) acknowledge(record, ack.data, this.samples);
      await sleep(this.o.gapMs ?? 40);
    }
  }
}

/** Records the acknowledged message; one that is not the message sent is a violation in `samples`. */
function acknowledge(record: SendRecord, body: unknown, samples: Sample[]): void {
  const m = body as { id?: unknown; seq?: unknown; clientMessageId?: unknown } | undefined;
  if (typeof m?.id !== 'string' || typeof m.seq !== 'number' || m.clientMessageId !== record.clientMessageId) {
    const note = `acknowledged ${record.clientMessageId} with ${JSON.stringify(body).slice(0, 300)}`;
    samples.push({ kind: `${record.via}.ack-body`, at: Date.now(), ms: 0, outcome: 'wrong message', ok: false, allowed: false, note });
    return;
  }
  record.acked = { id: m.id, seq: m.seq };
}

export interface ProbeOptions {
  url: string;
  /** GET /health/ready, one at a time, this often. */
  readyEveryMs?: number;
  /** A fresh handshake as this user (closed at once when it succeeds), one at a time. */
  connectAs?: LoadUser;
  /** A typing event on this user's own socket (reconnected when it drops). */
  typing?: { user: LoadUser; conversationId: string };
  everyMs?: number;
}

/** What an outage looks like from outside: readiness, handshakes, and typing (it needs both PostgreSQL and Redis). */
export class OutageProbes {
  readonly samples: Sample[] = [];
  private running = false;
  private loops: Promise<void>[] = [];
  private typingSocket: Socket | null = null;

  constructor(private readonly o: ProbeOptions) {}

  async start(): Promise<void> {
    if (this.o.typing) {
      this.typingSocket = await timedConnect(this.samples, this.o.url, this.o.typing.user.accessToken);
      if (!this.typingSocket) throw new Error(`the typing socket could not connect: ${JSON.stringify(this.samples.at(-1))}`);
    }
    this.running = true;
    this.loops = [this.loop(this.o.readyEveryMs ?? 500, () => timedRest(this.samples, 'ready', this.o.url, 'GET', '/health/ready'))];
    const connectAs = this.o.connectAs;
    if (connectAs) {
      this.loops.push(
        this.loop(this.o.everyMs ?? 300, async () => {
          (await timedConnect(this.samples, this.o.url, connectAs.accessToken))?.close();
        }),
      );
    }
    const typing = this.o.typing;
    if (typing) {
      this.loops.push(
        this.loop(this.o.everyMs ?? 300, async () => {
          if (!this.typingSocket?.connected) {
            this.typingSocket?.close();
            this.typingSocket = await timedConnect(this.samples, this.o.url, typing.user.accessToken, 'ws.typing-reconnect');
            if (!this.typingSocket) return;
          }
          await timedEmit(this.samples, 'ws.typing', this.typingSocket, 'typing', { conversationId: typing.conversationId, isTyping: true });
        }),
      );
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.typingSocket?.close();
    this.typingSocket = null;
  }

  private async loop(everyMs: number, once: () => Promise<unknown>): Promise<void> {
    while (this.running) {
      const started = Date.now();
      await once();
      await sleep(Math.max(20, everyMs - (Date.now() - started)));
    }
  }
}

/** Polls until `cond` holds (checked every 50 ms), or throws after `ms`. */
export async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await sleep(50);
  }
}

/** Samples of `kind` (any when omitted) sent within [from, to). */
export function sentBetween(samples: Sample[], from: number, to: number, kind?: string): Sample[] {
  return samples.filter((s) => s.at >= from && s.at < to && (kind === undefined || s.kind === kind));
}

/** Samples of `kind` (any when omitted) answered within [from, to], whenever they were sent. */
export function answeredBetween(samples: Sample[], from: number, to: number, kind?: string): Sample[] {
  return samples.filter((s) => s.at + s.ms >= from && s.at + s.ms <= to && (kind === undefined || s.kind === kind));
}

/**
 * Milliseconds from `since` until the first success of `kind` answered after it (a call made
 * before, still waiting on the dependency, counts: the dependency answered it).
 */
export function recoveryMs(samples: Sample[], kind: string, since: number): number | undefined {
  const firsts = samples.filter((s) => s.kind === kind && s.ok && s.at + s.ms >= since).map((s) => s.at + s.ms - since);
  return firsts.length ? Math.min(...firsts) : undefined;
}

export interface KindSummary {
  n: number;
  outcomes: Record<string, number>;
  maxMs: number;
}

/** Per kind: how many calls, their outcomes, the slowest. */
export function summarize(samples: Sample[]): Record<string, KindSummary> {
  const out: Record<string, KindSummary> = {};
  for (const s of samples) {
    const k = (out[s.kind] ??= { n: 0, outcomes: {}, maxMs: 0 });
    k.n += 1;
    k.outcomes[s.outcome] = (k.outcomes[s.outcome] ?? 0) + 1;
    k.maxMs = Math.max(k.maxMs, s.ms);
  }
  return out;
}

/** The calls that broke the rules, described (at most `limit`). */
export function violations(samples: Sample[], limit = 20): string[] {
  return samples
    .filter((s) => !s.allowed)
    .slice(0, limit)
    .map((s) => `${s.kind} at +${s.at % 100000} ms: ${s.outcome} after ${s.ms} ms${s.note ? ` (${s.note})` : ''}`);
}

export interface StoredMessage {
  id: string;
  seq: number;
  sender_id: string;
  client_message_id: string;
}

/**
 * What the database holds against what was sent: every acknowledged send stored exactly once with
 * the id and seq it was acknowledged with, and the conversation's seqs gapless from 1 to lastSeq.
 * Returns the problems (empty: none).
 */
export function checkStored(sends: SendRecord[], stored: StoredMessage[], lastSeq: number): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, StoredMessage[]>();
  for (const m of stored) {
    const key = `${m.sender_id}/${m.client_message_id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), m]);
  }
  for (const s of sends) {
    if (!s.acked) continue;
    const rows = byKey.get(`${s.senderId}/${s.clientMessageId}`) ?? [];
    if (rows.length !== 1) problems.push(`${s.clientMessageId} (${s.via}) acknowledged, stored ${rows.length} times`);
    else if (rows[0].id !== s.acked.id || Number(rows[0].seq) !== s.acked.seq) {
      problems.push(`${s.clientMessageId} acknowledged as ${s.acked.id}#${s.acked.seq}, stored as ${rows[0].id}#${rows[0].seq}`);
    }
  }
  for (const [key, rows] of byKey) if (rows.length > 1) problems.push(`${key} stored ${rows.length} times`);
  const seqs = stored.map((m) => Number(m.seq)).sort((a, b) => a - b);
  const gaps = seqs.filter((seq, i) => seq !== i + 1);
  if (gaps.length) problems.push(`seqs not gapless from 1: first out of place ${gaps[0]} (${seqs.length} messages)`);
  if (seqs.length !== lastSeq) problems.push(`lastSeq ${lastSeq} but ${seqs.length} messages`);
  return problems.slice(0, 20);
}

export interface AppLogLine {
  level: number;
  time: number;
  context?: string;
  msg?: string;
  dependency?: string;
  [key: string]: unknown;
}

export interface AppLogCapture {
  /** The app's JSON log lines that `keep` chose, parsed. */
  readonly lines: AppLogLine[];
  /** How many of the app's lines were swallowed in all. */
  readonly count: () => number;
  stop(): void;
}

/**
 * Takes the app's pino lines off stdout while it runs: process.stdout.write is wrapped, so that
 * pino (which writes to process.stdout itself once its write is not the stream's own) hands its
 * JSON lines here; the lines `keep` wants are parsed and kept, the others dropped, and every
 * other write passes through. Start it before the app, so that pino's destination is chosen with
 * the wrapper in place.
 */
export function captureAppLogs(keep: (raw: string) => boolean): AppLogCapture {
  const lines: AppLogLine[] = [];
  let count = 0;
  const stdout = process.stdout as unknown as { write: (...args: unknown[]) => boolean };
  const original = stdout.write;
  stdout.write = function (this: unknown, ...args: unknown[]): boolean {
    const [data] = args;
    const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : '';
    if (!text.startsWith('{"level":')) return original.apply(this, args);
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      count += 1;
      if (!keep(raw)) continue;
      try {
        lines.push(JSON.parse(raw) as AppLogLine);
      } catch {
        lines.push({ level: 0, time: Date.now(), msg: raw });
      }
    }
    const callback = args.at(-1);
    if (typeof callback === 'function') process.nextTick(callback);
    return true;
  };
  return {
    lines,
    count: () => count,
    stop: () => {
      stdout.write = original;
    },
  };
}

/** The DependencyMonitor's lines (context Dependencies) about `dependency`, logged within [from, to). */
export function dependencyLines(capture: AppLogCapture, dependency: string, from: number, to: number): AppLogLine[] {
  return capture.lines.filter((l) => l.context === 'Dependencies' && l.dependency === dependency && l.time >= from && l.time < to);
}

/** A scenario's figures for the summary: totals, then one line per kind of call. */
export function report(name: string, samples: Sample[], outage: { from: number; to: number }, extra: Record<string, unknown>): string {
  const during = sentBetween(samples, outage.from, outage.to);
  const unavailable = samples.filter((s) => s.outcome === '503' || s.outcome === 'UNAVAILABLE').length;
  const head = {
    calls: samples.length,
    maxLatencyMs: samples.reduce((m, s) => Math.max(m, s.ms), 0),
    maxLatencySentDuringOutageMs: during.reduce((m, s) => Math.max(m, s.ms), 0),
    unavailable,
    ...extra,
  };
  const kinds = Object.entries(summarize(samples)).map(
    ([kind, k]) =>
      `  ${kind.padEnd(12)} n=${String(k.n).padEnd(4)} max ${String(k.maxMs).padStart(5)} ms  ${Object.entries(k.outcomes)
        .map(([o, n]) => `${o}:${n}`)
        .join(' ')}`,
  );
  return [`${name}: ${Object.entries(head).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ')}`, ...kinds].join('\n');
}

export type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** The conversation's messages (by seq) and its lastSeq, as the database holds them. */
export async function loadStored(query: Query, conversationId: string): Promise<{ rows: StoredMessage[]; lastSeq: number }> {
  const rows = (await query(`SELECT id, seq::int AS seq, sender_id, client_message_id FROM messages WHERE conversation_id = $1 ORDER BY seq`, [conversationId])) as unknown as StoredMessage[];
  const [conv] = await query(`SELECT last_seq::int AS last_seq FROM conversations WHERE id = $1`, [conversationId]);
  return { rows, lastSeq: Number(conv?.last_seq) };
}

/**
 * Sends every unacknowledged message again, as a client retrying would (same sender, same
 * clientMessageId), and records the acknowledgement. `alreadyStored`: how many answered 200, i.e.
 * had been stored although the first attempt was not acknowledged.
 */
export async function resendUnacknowledged(url: string, conversationId: string, sends: SendRecord[], samples: Sample[]): Promise<{ resent: number; alreadyStored: number }> {
  let alreadyStored = 0;
  const pending = sends.filter((s) => !s.acked);
  for (const s of pending) {
    const res = await timedRest(samples, 'rest.resend', url, 'POST', `/v1/conversations/${conversationId}/messages`, s.token, {
      content: `load ${s.clientMessageId}`,
      clientMessageId: s.clientMessageId,
    });
    if (res?.status !== 200 && res?.status !== 201) throw new Error(`resending ${s.clientMessageId}: ${res?.status} ${JSON.stringify(res?.body)}`);
    if (res.status === 200) alreadyStored += 1;
    acknowledge(s, res.body, samples);
  }
  return { resent: pending.length, alreadyStored };
}

export interface OutageRun {
  startedAt: number;
  /** When the dependency was told to stop or pause. */
  downCalledAt: number;
  /** When it was down for sure (stop() or pause() resolved): the outage is counted from here. */
  downAt: number;
  /** When it ended (just before the dependency was started or resumed). */
  upCalledAt: number;
  /** When the dependency was back (start() resolved). */
  upAt: number;
  endedAt: number;
  /** Every call of the load and the probes. */
  samples: Sample[];
}

/**
 * Load and probes running, then the dependency down for `outageMs`, then back; waits (up to
 * `recoverWithinMs`) until `recovered(upAt)` holds, lets the load run a moment more, and stops.
 */
export async function runOutage(o: {
  load: MessageLoad;
  probes: OutageProbes;
  down: () => Promise<void>;
  up: () => Promise<void>;
  outageMs: number;
  recovered: (upAt: number) => boolean;
  recoverWithinMs?: number;
}): Promise<OutageRun> {
  const startedAt = Date.now();
  await o.load.start();
  await o.probes.start();
  let times: Pick<OutageRun, 'downCalledAt' | 'downAt' | 'upCalledAt' | 'upAt'>;
  try {
    await sleep(1500);
    const downCalledAt = Date.now();
    await o.down();
    const downAt = Date.now();
    await sleep(o.outageMs);
    const upCalledAt = Date.now();
    await o.up();
    const upAt = Date.now();
    times = { downCalledAt, downAt, upCalledAt, upAt };
    await until('the dependency is used again', () => o.recovered(upAt), o.recoverWithinMs ?? 15000);
    await sleep(1000);
  } finally {
    await o.load.stop();
    await o.probes.stop();
  }
  return { startedAt, ...times, endedAt: Date.now(), samples: [...o.load.samples, ...o.probes.samples] };
}

/** Per kind of call among `samples`: how many, how many succeeded, the slowest. */
export function countByKind(samples: Sample[]): Record<string, { n: number; ok: number; maxMs: number }> {
  const out: Record<string, { n: number; ok: number; maxMs: number }> = {};
  for (const s of samples) {
    const k = (out[s.kind] ??= { n: 0, ok: 0, maxMs: 0 });
    k.n += 1;
    if (s.ok) k.ok += 1;
    k.maxMs = Math.max(k.maxMs, s.ms);
  }
  return out;
}
