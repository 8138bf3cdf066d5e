/**
 * Property-based fuzzing of the whole public surface (security review): every REST operation of
 * the OpenAPI document and every client → server socket event, driven with generated hostile
 * input by the fixture users (and by callers without a valid token). For every answer:
 *
 * - never a 5xx, except 503 UNAVAILABLE;
 * - an error is exactly the contract's envelope (a code of the contract's table, at that code's
 *   HTTP status, `requestId` equal to X-Request-Id, `details` as `{ field, message }`), with no
 *   stack trace, SQL or class name in it; X-Request-Id on every response;
 * - a socket event sent with an ack is always answered, `{ ok: true, data }` or
 *   `{ ok: false, error }` (never INTERNAL), and the socket stays connected unless the payload
 *   was over the server's maximum size;
 * - a refusal (status >= 400, ack ok:false) changed nothing: every table of the database is
 *   fingerprinted (row count and an md5 of its rows) after every request and compared (so is
 *   a successful read: it must not write either);
 * - no refusal is the database's (a constraint or a cast that validation should have caught).
 *
 * The file has a database of its own (so that nothing else writes to it meanwhile), generous
 * rate limits (so that limits do not mask answers), and a fixed seed (PARLEY_FUZZ_SEED to replay
 * another; PARLEY_FUZZ_SCALE multiplies the number of inputs; PARLEY_FUZZ_LOG=<file> writes every
 * REST input and its answer). The summary is printed once, at the end. Accepted requests may break the
 * fixtures (a ban, a deleted message, a member who left): they are repaired through the API after
 * every accepted write, and the broken ones stay around as ids of retired objects.
 */
import fc from 'fast-check';
import { JwtService } from '@nestjs/jwt';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '../src/config/config';
import { prepareDatabase } from '../src/bootstrap';
import { startApp, testJwtSecret, TestApp } from './support/app';
import { freshUsername } from './support/factories';
import {
  applyMutation,
  BodyPlan,
  BodySchema,
  booleanLike,
  bodyPlan,
  EmitArgs,
  Fresh,
  hostileDate,
  hostileNumber,
  hostileString,
  hostileValue,
  idValue,
  LITERAL_MARKER,
  looseEncode,
  multipartBody,
  Mutation,
  nested,
  nestedJson,
  QueryPlan,
  queryPlan,
  RawSegment,
  Ref,
  RefKind,
  RefName,
  segmentValue,
  setOwn,
  stringify,
  unknownEventNames,
} from './support/fuzz-inputs';
import { assertTestDatabase, databaseUrl, uniqueName } from './support/test-env';

jest.setTimeout(180_000);

const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 424242);
const SCALE = Number(process.env.PARLEY_FUZZ_SCALE ?? 1);
/** PARLEY_FUZZ_LOG=<file>: one line per REST input and its answer, to see what the generators produce. */
const LOG_FILE = process.env.PARLEY_FUZZ_LOG;
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** The contract's error codes and their HTTP status. */
const CONTRACT_STATUS: Record<string, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  QUOTA_EXCEEDED: 413,
  QUARANTINED: 410,
  NOT_READY: 409,
};
/** What an answer must never show (a stack frame, SQL, a driver's or runtime's error class). */
const LEAKS: [string, RegExp][] = [
  ['stack frame', /\bat [\w$.<>[\] ]+ \(|\n\s+at |\.(?:js|ts):\d+:\d+/],
  ['SQL', /\b(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|WHERE \w+ =|RETURNING)\b|\$\d+::|duplicate key|violates|relation "|column "|invalid input syntax|syntax error at/],
  ['class name', /QueryFailedError|EntityNotFound|TypeORMError|TypeError|ReferenceError|RangeError|SyntaxError|HttpException|BadRequestException|AppError|ValidationError|\w+(?:Command|Query|Handler|Controller|Gateway|Service)\b/],
  ['internals', /node_modules|\/src\/|ECONNREFUSED|Cannot read prop|is not a function|undefined is not/],
];
/**
 * What the server answers when PostgreSQL refused a value or a key (src/common/errors/error-envelope.ts):
 * a 400 or 409 in the envelope, but logged as an unexpected error. One client sending one request
 * at a time never races itself, so either means input that validation let through.
 */
const DATABASE_REFUSALS = /A value is out of range or malformed|The request conflicts with a concurrent change/;
const MAX_WS_PAYLOAD_BYTES = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Report

interface Problem {
  kind: string;
  detail: string;
}
const problems = new Map<string, { count: number; examples: Problem[] }>();
function problem(where: string, kind: string, detail: string): void {
  const key = `${where} | ${kind}`;
  const entry = problems.get(key) ?? { count: 0, examples: [] };
  entry.count += 1;
  if (entry.examples.length < 3) entry.examples.push({ kind, detail });
  problems.set(key, entry);
}
function problemsReport(prefix: string): string[] {
  return [...problems.entries()].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => `${k} (x${v.count})\n    ${v.examples.map((e) => e.detail).join('\n    ')}`);
}

const counts = {
  restInputs: new Map<string, number>(),
  restStatus: new Map<string, Map<string, number>>(),
  socketInputs: new Map<string, number>(),
  ackCodes: new Map<string, Map<string, number>>(),
  handshakes: new Map<string, number>(),
  socketCloses: 0,
  reconnects: 0,
  repairs: new Map<string, number>(),
};
const bump = (m: Map<string, number>, k: string, by = 1): void => void m.set(k, (m.get(k) ?? 0) + by);
const bump2 = (m: Map<string, Map<string, number>>, k: string, k2: string): void => {
  const inner = m.get(k) ?? new Map<string, number>();
  bump(inner, k2);
  m.set(k, inner);
};
const cut = (s: string, n = 300): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const show = (v: unknown): string => {
  try {
    return cut(JSON.stringify(v) ?? String(v));
  } catch {
    return cut(String(v));
  }
};

// ---------------------------------------------------------------------------------------------
// HTTP: a plain client, so the path, headers and body go on the wire exactly as generated

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}
interface Outgoing {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

let agent: http.Agent;
let baseUrl: URL;

function sendOnce(req: Outgoing): Promise<Answer & { reused: boolean }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (req.body !== undefined) headers['Content-Length'] = String(req.body.length);
    const r = http.request({ agent, host: baseUrl.hostname, port: baseUrl.port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), reused: r.reusedSocket }));
      res.on('error', reject);
    });
    r.setTimeout(10_000, () => r.destroy(new Error('no answer within 10 s')));
    r.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reused: r.reusedSocket })));
    r.end(req.body);
  });
}

/** One request; a keep-alive connection the server closed just before reuse is retried once. */
async function send(req: Outgoing): Promise<Answer> {
  try {
    return await sendOnce(req);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { reused?: boolean };
    if (e.reused && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) return sendOnce(req);
    throw err;
  }
}

/** A JSON call for fixtures and repairs: must succeed with `expect`. */
async function api(method: string, path: string, token: string | null, body: unknown, expect: number[]): Promise<Record<string, unknown>> {
  const res = await send({
    method,
    path,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
  });
  if (!expect.includes(res.status)) throw new Error(`fixture call ${method} ${path} answered ${res.status}: ${cut(res.text)}`);
  return res.text ? (JSON.parse(res.text) as Record<string, unknown>) : {};
}

/** A request written byte by byte on a TCP connection (for what an HTTP client refuses to send). */
function rawHttp(bytes: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(baseUrl.port), baseUrl.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = raw.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = rest.join('\r\n\r\n');
      if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) text = dechunk(text);
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text });
    });
    socket.on('connect', () => socket.write(bytes));
  });
}
function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const i = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, i), 16);
    if (!size) return out;
    out += rest.slice(i + 2, i + 2 + size);
    rest = rest.slice(i + 2 + size + 2);
  }
}

// ---------------------------------------------------------------------------------------------
// Answer checks

function leakProblems(text: string): string[] {
  return LEAKS.filter(([, re]) => re.test(text)).map(([name]) => `the answer shows a ${name}: ${cut(text)}`);
}

function errorObjectProblems(error: unknown, allowRetryAfter: boolean): string[] {
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return [`error is not an object: ${show(error)}`];
  const e = error as Record<string, unknown>;
  const out: string[] = [];
  const allowed = new Set(['code', 'message', 'requestId', 'details', ...(allowRetryAfter && e.code === 'RATE_LIMITED' ? ['retryAfterMs'] : [])]);
  const extra = Object.keys(e).filter((k) => !allowed.has(k));
  if (extra.length) out.push(`error has keys beyond code/message/requestId/details: ${extra.join(', ')}`);
  if (typeof e.code !== 'string' || !(e.code in CONTRACT_STATUS)) out.push(`error.code ${show(e.code)} is not in the contract's table`);
  if (typeof e.message !== 'string' || e.message.length === 0) out.push(`error.message is not a non-empty string: ${show(e.message)}`);
  if (typeof e.requestId !== 'string' || e.requestId.length === 0) out.push(`error.requestId is not a non-empty string: ${show(e.requestId)}`);
  if (e.details !== undefined) {
    if (!Array.isArray(e.details)) out.push(`error.details is not an array: ${show(e.details)}`);
    else
      for (const d of e.details as unknown[]) {
        const ok = typeof d === 'object' && d !== null && Object.keys(d).sort().join(',') === 'field,message' && typeof (d as Record<string, unknown>).field === 'string' && typeof (d as Record<string, unknown>).message === 'string';
        if (!ok) out.push(`error.details holds something other than { field, message } strings: ${show(d)}`);
      }
  }
  return out;
}

/** Everything wrong with one HTTP answer, per the contract. */
/**
 * Answers of Node's HTTP parser (src/common/http/client-error.ts): the request head could not be
 * read, so neither its X-Request-Id can be echoed nor a status other than the parser's (431
 * headers too large, 408 too slow) be chosen.
 */
const PARSER_REFUSAL = /could not be parsed as HTTP|too large \(at most|not received in time/;

function answerProblems(res: Answer, sentRequestId?: string): { problems: string[]; code?: string } {
  const out: string[] = [];
  const rid = res.headers['x-request-id'];
  const parserRefusal = res.status >= 400 && PARSER_REFUSAL.test(res.text);
  if (typeof rid !== 'string' || rid.length === 0) out.push('no X-Request-Id header');
  else if (!parserRefusal && sentRequestId !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(sentRequestId) && rid !== sentRequestId) out.push(`X-Request-Id ${rid} does not echo the valid incoming ${sentRequestId}`);
  let code: string | undefined;
  if (res.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      out.push(`error body is not JSON (content-type ${String(res.headers['content-type'])}): ${cut(res.text)}`);
      return { problems: out };
    }
    if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) out.push(`error content-type is ${String(res.headers['content-type'])}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).join(',') !== 'error') {
      out.push(`error body is not exactly { error }: ${cut(res.text)}`);
      return { problems: out };
    }
    const error = (body as { error: Record<string, unknown> }).error;
    out.push(...errorObjectProblems(error, false));
    code = typeof error?.code === 'string' ? error.code : undefined;
    const parserStatus = parserRefusal && code === 'VALIDATION_FAILED' && [400, 408, 431].includes(res.status);
    if (code && CONTRACT_STATUS[code] !== undefined && CONTRACT_STATUS[code] !== res.status && !parserStatus) out.push(`status ${res.status} with code ${code} (the contract says ${CONTRACT_STATUS[code]})`);
    if (typeof rid === 'string' && error?.requestId !== rid) out.push(`error.requestId ${show(error?.requestId)} differs from X-Request-Id ${rid}`);
    if (res.status === 429 && res.headers['retry-after'] === undefined) out.push('429 without Retry-After');
    out.push(...leakProblems(res.text));
    if (typeof error?.message === 'string' && DATABASE_REFUSALS.test(error.message)) out.push(`the database refused what validation let through (${res.status} ${String(code)} "${error.message}")`);
  } else if (res.text && String(res.headers['content-type'] ?? '').startsWith('application/json')) {
    try {
      JSON.parse(res.text);
    } catch {
      out.push(`success body is not JSON: ${cut(res.text)}`);
    }
  }
  if (res.status >= 500 && !(res.status === 503 && code === 'UNAVAILABLE')) out.unshift(`status ${res.status} ${code ?? ''}`.trim());
  return { problems: out, code };
}

// ---------------------------------------------------------------------------------------------
// Fixtures

interface FixtureUser {
  id: string;
  username: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
  sessionId: string;
}
type UserRole = 'admin' | 'member' | 'third' | 'outsider';
const USER_ROLES: UserRole[] = ['admin', 'member', 'third', 'outsider'];

interface Fixtures {
  users: Record<UserRole, FixtureUser>;
  conv: { direct: string; group: string; hidden: string };
  msg: { edited: string; reacted: string; direct: string; hidden: string };
  retired: { conv: string[]; msg: string[] };
  /** `user:role` of each conversation, sorted: what repair() restores. */
  expectedMembers: Record<'direct' | 'group' | 'hidden', string>;
}

const sessionOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

describe('fuzz: hostile input on every operation and event (e2e)', () => {
  let t: TestApp;
  let db: Client;
  let dbName: string;
  let fx: Fixtures;
  let fingerprintSql: string;
  let fingerprint: Map<string, string>;
  let fingerprinted: string[] = [];
  let doc: { paths: Record<string, Record<string, OpenApiOperation>>; components: { schemas: Record<string, SchemaObject> } };
  const sockets: Socket[] = [];
  const started = Date.now();
  let freshCounter = 0;

  // ---- database fingerprint

  async function takeFingerprint(): Promise<Map<string, string>> {
    const rows = (await db.query<{ t: string; n: number; h: string }>(fingerprintSql)).rows;
    return new Map(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  }
  /** Tables whose fingerprint changed since the last one; takes the new one. */
  async function changedTables(): Promise<string[]> {
    const before = fingerprint;
    fingerprint = await takeFingerprint();
    return [...fingerprint.keys()].filter((k) => before.get(k) !== fingerprint.get(k)).map((k) => `${k} (${before.get(k)?.split(':')[0]} → ${fingerprint.get(k)?.split(':')[0]} rows)`);
  }

  // ---- fixtures

  async function register(prefix: string): Promise<FixtureUser> {
    const username = freshUsername(prefix);
    const body = { username, email: `${username}@example.test`, password: 'correct horse battery' };
    const res = await api('POST', '/v1/auth/register', null, body, [201]);
    const token = res.accessToken as string;
    return { id: (res.user as { id: string }).id, username, email: body.email, password: body.password, token, refreshToken: res.refreshToken as string, sessionId: sessionOf(token) };
  }
  async function login(u: FixtureUser): Promise<void> {
    const res = await api('POST', '/v1/auth/login', null, { login: u.username, password: u.password }, [200]);
    u.token = res.accessToken as string;
    u.refreshToken = res.refreshToken as string;
    u.sessionId = sessionOf(u.token);
  }
  const sendMessage = async (u: FixtureUser, conversationId: string, content: string): Promise<string> =>
    (await api('POST', `/v1/conversations/${conversationId}/messages`, u.token, { content, clientMessageId: randomUUID() }, [201])).id as string;

  async function buildGroup(): Promise<void> {
    const { admin, member, third } = fx.users;
    fx.conv.group = (await api('POST', '/v1/conversations', admin.token, { name: 'Fuzz group', memberIds: [member.id, third.id] }, [201])).id as string;
    fx.msg.edited = await sendMessage(admin, fx.conv.group, 'first message');
    await api('PATCH', `/v1/messages/${fx.msg.edited}`, admin.token, { content: 'first message, edited' }, [200]);
    fx.msg.reacted = await sendMessage(member, fx.conv.group, 'second message');
    await api('PUT', `/v1/messages/${fx.msg.reacted}/reactions/${encodeURIComponent('👍')}`, admin.token, undefined, [204]);
  }
  async function buildHidden(): Promise<void> {
    const { third, outsider } = fx.users;
    fx.conv.hidden = (await api('POST', '/v1/conversations', third.token, { name: 'Hidden group', memberIds: [outsider.id] }, [201])).id as string;
    fx.msg.hidden = await sendMessage(outsider, fx.conv.hidden, 'hidden message');
  }
  async function membersOf(conversationId: string): Promise<string> {
    const rows = (await db.query<{ s: string }>(`SELECT coalesce(string_agg(user_id || ':' || role, ',' ORDER BY user_id), '') AS s FROM conversation_members WHERE conversation_id = $1`, [conversationId])).rows;
    return rows[0]?.s ?? '';
  }

  async function createFixtures(): Promise<void> {
    const users = {} as Record<UserRole, FixtureUser>;
    for (const role of USER_ROLES) users[role] = await register(`fz${role.slice(0, 3)}`);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [users.admin.id]);
    fx = { users, conv: { direct: '', group: '', hidden: '' }, msg: { edited: '', reacted: '', direct: '', hidden: '' }, retired: { conv: [], msg: [] }, expectedMembers: { direct: '', group: '', hidden: '' } };
    fx.conv.direct = (await api('POST', '/v1/conversations/direct', users.admin.token, { userId: users.member.id }, [201])).id as string;
    fx.msg.direct = await sendMessage(users.member, fx.conv.direct, 'direct message');
    await buildGroup();
    await buildHidden();
    for (const k of ['direct', 'group', 'hidden'] as const) fx.expectedMembers[k] = await membersOf(fx.conv[k]);
  }

  /**
   * Puts the fixtures back after an accepted request broke them: bans lifted and sessions
   * renewed, blocks and privacy settings undone, and a group whose members, roles, messages or
   * reaction changed replaced by a new one (the old ids stay on as retired ids).
   */
  async function repair(): Promise<string[]> {
    const done: string[] = [];
    const ids = USER_ROLES.map((r) => fx.users[r].id);
    const state = (
      await db.query<{ id: string; banned: boolean; invites: string; revoked: boolean }>(
        `SELECT u.id, u.banned_at IS NOT NULL AS banned, u.group_invites AS invites, s.revoked_at IS NOT NULL AS revoked
           FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.id = ANY($1::uuid[])`,
        [USER_ROLES.map((r) => fx.users[r].sessionId)],
      )
    ).rows;
    for (const role of USER_ROLES) {
      const u = fx.users[role];
      const row = state.find((s) => s.id === u.id);
      if (row?.banned) {
        await api('DELETE', `/v1/admin/users/${u.id}/ban`, fx.users.admin.token, undefined, [204]);
        done.push(`unban ${role}`);
      }
      if (!row || row.banned || row.revoked) {
        await login(u);
        done.push(`login ${role}`);
      }
      if (row && row.invites !== 'everyone') {
        await api('PATCH', '/v1/users/me', u.token, { groupInvites: 'everyone' }, [200]);
        done.push(`groupInvites ${role}`);
      }
    }
    const blocks = (await db.query<{ blocker_id: string; blocked_id: string }>(`SELECT blocker_id, blocked_id FROM user_blocks WHERE blocker_id = ANY($1::uuid[]) AND blocked_id = ANY($1::uuid[])`, [ids])).rows;
    for (const b of blocks) {
      const blocker = USER_ROLES.find((r) => fx.users[r].id === b.blocker_id)!;
      await api('DELETE', `/v1/users/me/blocks/${b.blocked_id}`, fx.users[blocker].token, undefined, [204]);
      done.push(`unblock by ${blocker}`);
    }
    const alive = new Set(
      (
        await db.query<{ id: string }>(`SELECT id FROM messages WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL`, [[fx.msg.edited, fx.msg.reacted, fx.msg.direct, fx.msg.hidden]])
      ).rows.map((r) => r.id),
    );
    const reacted = (await db.query(`SELECT 1 FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = '👍'`, [fx.msg.reacted, fx.users.admin.id])).rowCount;
    if ((await membersOf(fx.conv.group)) !== fx.expectedMembers.group || !alive.has(fx.msg.edited) || !alive.has(fx.msg.reacted) || !reacted) {
      fx.retired.conv.push(fx.conv.group);
      fx.retired.msg.push(fx.msg.edited, fx.msg.reacted);
      await buildGroup();
      fx.expectedMembers.group = await membersOf(fx.conv.group);
      done.push('rebuild group');
    }
    if ((await membersOf(fx.conv.hidden)) !== fx.expectedMembers.hidden || !alive.has(fx.msg.hidden)) {
      fx.retired.conv.push(fx.conv.hidden);
      fx.retired.msg.push(fx.msg.hidden);
      await buildHidden();
      fx.expectedMembers.hidden = await membersOf(fx.conv.hidden);
      done.push('rebuild hidden group');
    }
    if ((await membersOf(fx.conv.direct)) !== fx.expectedMembers.direct) throw new Error(`the direct conversation's members changed: ${await membersOf(fx.conv.direct)}`);
    if (!alive.has(fx.msg.direct)) {
      fx.retired.msg.push(fx.msg.direct);
      fx.msg.direct = await sendMessage(fx.users.member, fx.conv.direct, 'direct message again');
      done.push('resend direct message');
    }
    for (const d of done) bump(counts.repairs, d);
    if (done.length) fingerprint = await takeFingerprint();
    return done;
  }

  // ---- resolution of generated input

  function refId(name: RefName): string {
    const [kind, which] = name.split('.') as ['user' | 'conv' | 'msg', string];
    if (kind === 'user') return fx.users[which as UserRole].id;
    if (which === 'retired') {
      const pool = kind === 'conv' ? fx.retired.conv : fx.retired.msg;
      // No retired object yet: an id of a user stands in (an existing id of the wrong kind).
      return pool.length ? pool[pool.length - 1] : fx.users.third.id;
    }
    return kind === 'conv' ? fx.conv[which as keyof Fixtures['conv']] : fx.msg[which as keyof Fixtures['msg']];
  }
  function freshValue(f: Fresh): string {
    freshCounter += 1;
    switch (f.kind) {
      case 'username':
        return `fz${freshCounter}_${randomBytes(3).toString('hex')}`;
      case 'email':
        return `fz${freshCounter}.${randomBytes(3).toString('hex')}@example.test`;
      case 'clientMessageId':
        return `fz-${freshCounter}-${randomBytes(4).toString('hex')}`;
      case 'login':
        return fx.users.member.username;
      case 'token':
        // Never a real refresh token: a used one presented after its grace revokes its session (401 by design).
        return randomBytes(32).toString('base64url');
    }
  }
  class CommaList {
    constructor(readonly items: unknown[]) {}
  }
  /** A keyset cursor as the server encodes one (base64url JSON), its fields resolved at send time. */
  class CursorOf {
    constructor(readonly fields: Record<string, unknown>) {}
  }
  /** Ref/Fresh placeholders replaced (they only occur in the first levels); containers copied, own `__proto__` kept. */
  function resolve(v: unknown, depth = 0): unknown {
    if (v instanceof Ref) return v.write(refId(v.name));
    if (v instanceof Fresh) return freshValue(v);
    if (v instanceof CommaList) return v.items.map((i) => stringify(resolve(i, depth + 1))).join(',');
    if (v instanceof CursorOf) return Buffer.from(JSON.stringify(resolve(v.fields, depth + 1)) ?? '').toString('base64url');
    if (depth >= 3 || typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) return v.map((x) => resolve(x, depth + 1));
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    const out: Record<string, unknown> = proto === null ? (Object.create(null) as Record<string, unknown>) : {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, resolve(x, depth + 1));
    return out;
  }

  // ---- callers

  type Caller = UserRole | 'none' | 'garbage' | 'bearerEmpty' | 'basic' | 'wrongKey' | 'algNone' | 'expired' | 'refreshToken' | 'lowercaseScheme';
  const callerArb: fc.Arbitrary<Caller> = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<Caller>('admin', 'member', 'outsider', 'admin', 'member', 'third') },
    { weight: 3, arbitrary: fc.constantFrom<Caller>('none', 'garbage', 'bearerEmpty', 'basic', 'wrongKey', 'algNone', 'expired', 'refreshToken', 'lowercaseScheme') },
  );
  function authHeader(c: Caller): string | undefined {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const admin = fx.users.admin;
    switch (c) {
      case 'admin':
      case 'member':
      case 'third':
      case 'outsider':
        return `Bearer ${fx.users[c].token}`;
      case 'none':
        return undefined;
      case 'garbage':
        return 'Bearer garbage';
      case 'bearerEmpty':
        return 'Bearer ';
      case 'basic':
        return `Basic ${Buffer.from('admin:correct horse battery').toString('base64')}`;
      case 'wrongKey':
        return `Bearer ${new JwtService().sign({ sub: admin.id, sid: admin.sessionId, typ: 'access' }, { secret: 'another-secret-another-secret-another' })}`;
      case 'algNone':
        return `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: admin.id, sid: admin.sessionId, typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
      case 'expired':
        return `Bearer ${new JwtService().sign({ sub: admin.id, sid: admin.sessionId, typ: 'access', exp: Math.floor(Date.now() / 1000) - 5 }, { secret: testJwtSecret() })}`;
      case 'refreshToken':
        return `Bearer ${admin.refreshToken}`;
      case 'lowercaseScheme':
        return `bearer ${fx.users.member.token}`;
    }
  }
  const requestIdArb = fc.option(fc.constantFrom('fuzz-req-1', 'a'.repeat(128), 'a'.repeat(129), 'bad id', 'x\u00e9', '', '../etc', 'A.b:c-d_e'), { freq: 6, nil: undefined });

  // ---- OpenAPI-driven REST operations

  interface Operation {
    key: string;
    method: string;
    path: string;
    pathParams: string[];
    query: { name: string; sample: fc.Arbitrary<unknown> }[];
    body: BodySchema | null;
    base: Record<string, unknown>;
  }

  function schemaOf(ref: { $ref?: string } | undefined): SchemaObject | null {
    if (!ref) return null;
    if (ref.$ref) return doc.components.schemas[ref.$ref.split('/').pop()!] ?? null;
    return ref as SchemaObject;
  }

  function idKindOf(field: string): RefKind | undefined {
    if (/^(userId|userIds|memberIds|senderId|id)$/.test(field)) return 'user';
    if (/^conversationId$/.test(field)) return 'conversation';
    if (/^(messageId|replyToId|attachmentIds)$/.test(field)) return 'message';
    return undefined;
  }

  /** A field's valid-looking value, from its name and schema. */
  function baseValue(field: string, s: BodySchema['properties'][string]): unknown {
    switch (field) {
      case 'username':
        return new Fresh('username');
      case 'email':
        return new Fresh('email');
      case 'password':
        return 'correct horse battery';
      case 'login':
        return new Fresh('login');
      case 'refreshToken':
        return new Fresh('token');
      case 'clientMessageId':
        return new Fresh('clientMessageId');
      case 'role':
        return 'member';
      case 'seq':
        return 1;
      case 'timezone':
        return 'Europe/Paris';
      case 'memberIds':
        return [new Ref('user.member')];
      case 'userIds':
        return [new Ref('user.third')];
      case 'userId':
        return new Ref('user.member');
      case 'until':
        return new Date(Date.now() + 3_600_000).toISOString();
      case 'content':
        return 'fuzz content';
    }
    if (s.enum?.length) return s.enum[0];
    if (s.type === 'number' || s.type === 'integer') return s.minimum ?? 1;
    if (s.type === 'boolean') return true;
    if (s.type === 'array') return [];
    return typeof s.example === 'string' ? s.example : 'fuzz';
  }

  /** A field's hostile values that know its type (ids of every kind for an id, enums in other cases, ...). */
  function fieldValue(schema: BodySchema | null): (field: string) => fc.Arbitrary<unknown> {
    return (field) => {
      const s = schema?.properties[field] ?? {};
      const kind = idKindOf(field);
      if (s.type === 'array' || /Ids$/.test(field)) {
        const item = idValue(kind);
        return fc.oneof(
          fc.array(item, { maxLength: 4 }),
          fc.array(fc.constantFrom(new Ref('user.member'), new Ref('user.member', 'upper'), new Ref('user.third')), { minLength: 2, maxLength: 4 }),
          fc.constantFrom(1001, 5000).map((n) => Array.from({ length: n }, () => randomUUID())),
          item,
        );
      }
      if (kind || s.format === 'uuid') return idValue(kind);
      if (s.enum) return fc.oneof(fc.constantFrom(...s.enum), fc.constantFrom(...s.enum.map((e) => String(e).toUpperCase()), ...s.enum.map((e) => ` ${String(e)}`), ...s.enum.map((e) => [e])));
      if (s.format === 'date-time') return fc.oneof(hostileDate, fc.constant(null));
      if (s.type === 'number' || s.type === 'integer') return fc.oneof(hostileNumber, fc.nat(5), fc.constantFrom('1', '1e309', '-0', 'NaN', [1], { seq: 1 }));
      if (s.type === 'boolean') return booleanLike;
      return hostileString;
    };
  }

  function querySample(name: string, schema: SchemaObject | undefined): fc.Arbitrary<unknown> {
    switch (name) {
      case 'limit':
        return fc.oneof(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 101, -1, '1e2', '1.5', '', ' 5', '0x10', '5abc'));
      case 'cursor':
        return fc.oneof(
          fc.base64String({ maxLength: 40 }),
          fc.constantFrom('eyJ9', 'eyJzZXEiOjF9', 'eyJjb25zdHJ1Y3RvciI6MX0', 'bnVsbA', '%%%'),
          // Cursors shaped like the server's own (keyset fields t, id, u, s, r, i) with hostile values.
          fc
            .record({
              t: fc.constantFrom('0', '9999999999999999', '99999999999999999', '-1', '1.5', 1, null),
              id: fc.oneof(idValue(), fc.constant(undefined)),
              i: fc.oneof(idValue('message'), fc.constant(undefined)),
              u: fc.constantFrom('a', 'zzzz', '_', '%', "a'--", undefined),
              s: fc.constantFrom('relevance', 'recent', 'other', undefined),
              r: fc.constantFrom('0', '9e-1', '9.999999999e-37', '1e-45', 'NaN', '1e39', '-1', undefined),
            })
            .map((c) => new CursorOf(c)),
        );
      case 'q':
        return fc.oneof(
          fc.constantFrom('first', 'message', 'fz', 'a', '"unterminated', '-', 'OR', '*', '%', '_', '-first', 'first OR second', '"first message"', 'ERR-4312', '\u0000'),
          // tsquery and LIKE syntax, which must reach the database only as data.
          fc.constantFrom('a & b', '!a', 'a:*', '(a', 'a)', 'a <-> b', "'a'", 'a\\', ':', '*:*', '|', '&&', '!!', 'a:A', '""', '-(a)', "first's", 'ﬁrst', 'İ', '%_%', '\\%', '.'.repeat(200), 'a-'.repeat(66)),
          fc.string({ maxLength: 30 }),
        );
      case 'since':
      case 'after':
      case 'before':
        return fc.oneof(hostileDate, fc.constant(new Date(Date.now() - 60_000).toISOString()));
      case 'conversationId':
        return idValue('conversation');
      case 'senderId':
        return idValue('user');
      case 'userIds':
        return fc.array(idValue('user'), { maxLength: 4 }).map((a) => new CommaList(a));
      case 'hasAttachment':
        return booleanLike;
      case 'sort':
        return fc.constantFrom('relevance', 'recent', 'RECENT', '', 'random', ['recent', 'relevance']);
      case 'afterSeq':
      case 'beforeSeq':
      case 'afterVersion':
        return fc.oneof(fc.nat(10), hostileNumber);
    }
    return schema?.type === 'integer' || schema?.type === 'number' ? hostileNumber : hostileString;
  }

  function operations(): Operation[] {
    const ops: Operation[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
        const op = item[method];
        if (!op) continue;
        const params = op.parameters ?? [];
        const bodySchema = schemaOf(op.requestBody?.content?.['application/json']?.schema);
        const body: BodySchema | null = bodySchema ? { properties: (bodySchema.properties ?? {}) as BodySchema['properties'], required: bodySchema.required ?? [] } : null;
        const base: Record<string, unknown> = {};
        if (body) {
          for (const [field, s] of Object.entries(body.properties)) {
            const harmless = ['displayName', 'timezone', 'groupInvites', 'reason'].includes(field);
            if (body.required.includes(field) || harmless) base[field] = baseValue(field, s);
          }
        }
        ops.push({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
          query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, sample: querySample(p.name, p.schema) })),
          body,
          base,
        });
      }
    }
    return ops;
  }

  function segmentKind(op: Operation, param: string): RefKind | 'emoji' | undefined {
    if (param === 'emoji') return 'emoji';
    if (param === 'userId') return 'user';
    if (op.path.startsWith('/v1/users') || op.path.startsWith('/v1/admin/users')) return 'user';
    if (op.path.startsWith('/v1/conversations')) return 'conversation';
    if (op.path.startsWith('/v1/messages')) return 'message';
    return undefined;
  }

  interface RestInput {
    caller: Caller;
    segments: unknown[];
    trailing: string;
    query: QueryPlan;
    body: BodyPlan;
    requestId: string | undefined;
  }

  function restInputArb(op: Operation): fc.Arbitrary<RestInput> {
    const segments: fc.Arbitrary<unknown[]> = op.pathParams.length
      ? fc.tuple(...op.pathParams.map((p) => segmentValue(segmentKind(op, p))))
      : fc.constant([]);
    return fc.record({
      caller: callerArb,
      segments,
      trailing: fc.constantFrom('', '', '', '', '', '', '', '', '', '', '', '', '/', '//', '/.', '?', '%20', '/%2e%2e'),
      query: queryPlan(op.query),
      body: bodyPlan(op.body, op.base, fieldValue(op.body)),
      requestId: requestIdArb,
    });
  }

  function encodeSegment(v: unknown): string {
    if (v instanceof RawSegment) return v.text;
    return looseEncode(stringify(resolve(v)));
  }
  function encodeQuery(q: QueryPlan): string {
    if (q.kind === 'raw') return q.text;
    const parts: string[] = [];
    for (const [k, raw] of q.pairs) {
      const v = resolve(raw);
      // An array is the key repeated (`a=1&a=2`), as a client building a list would send it.
      for (const item of Array.isArray(v) ? v : [v]) parts.push(`${looseEncode(k)}=${looseEncode(stringify(item))}`);
    }
    return parts.join('&');
  }
  function flatFields(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out[k] = stringify(v);
    return out;
  }
  function encodeBody(plan: BodyPlan, base: Record<string, unknown>): { headers: Record<string, string>; body?: Buffer; shown: string } {
    const json = { 'Content-Type': 'application/json' };
    switch (plan.kind) {
      case 'none':
        return { headers: {}, shown: '(no body)' };
      case 'mutate': {
        const { value, literal } = applyMutation(plan.base, plan.mutation);
        let text: string;
        try {
          text = JSON.stringify(resolve(value)) ?? '';
        } catch {
          text = String(value);
        }
        if (literal) text = text.replace(JSON.stringify(LITERAL_MARKER), literal.text);
        return { headers: { 'Content-Type': plan.contentType ?? 'application/json' }, body: Buffer.from(text), shown: `${plan.contentType ?? 'json'} ${cut(text)}` };
      }
      case 'deep': {
        const inner = nestedJson(plan.depth, plan.shape);
        const text = plan.field ? `{${JSON.stringify(plan.field)}:${inner}}` : inner;
        return { headers: json, body: Buffer.from(text), shown: `json nested ${plan.depth} levels (${plan.shape}${plan.field ? ` in ${plan.field}` : ''})` };
      }
      case 'malformed':
        return { headers: json, body: Buffer.from(plan.text), shown: `malformed json ${cut(JSON.stringify(plan.text))}` };
      case 'foreign': {
        const fields = flatFields(resolve(applyMutation(base, { kind: 'valid' }).value));
        const headers: Record<string, string> = plan.contentType ? { 'Content-Type': plan.contentType } : {};
        let text: string;
        switch (plan.form) {
          case 'multipart':
            text = multipartBody(Object.keys(fields).length ? fields : { seq: '1', name: 'x' });
            break;
          case 'urlencoded':
            text = new URLSearchParams(Object.keys(fields).length ? fields : { seq: '1' }).toString();
            break;
          case 'xml':
            text = '<?xml version="1.0"?><body><seq>1</seq></body>';
            break;
          case 'gzip-garbage':
            headers['Content-Encoding'] = 'gzip';
            text = '{"seq":1}';
            break;
          case 'compress':
            headers['Content-Encoding'] = 'compress';
            text = '{"seq":1}';
            break;
          default:
            text = '{"seq":1,"name":"x","content":"x"}';
        }
        return { headers, body: Buffer.from(text), shown: `${plan.contentType ?? '(no content-type)'} ${plan.form} ${cut(JSON.stringify(text), 120)}` };
      }
    }
  }

  function isWrite(method: string): boolean {
    return method !== 'GET';
  }

  async function runRest(op: Operation, input: RestInput): Promise<void> {
    let i = 0;
    const path = op.path.replace(/\{[^}]+\}/g, () => encodeSegment(input.segments[i++])) + input.trailing;
    const qs = encodeQuery(input.query);
    const target = qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
    const { headers, body, shown } = encodeBody(input.body, op.base);
    const auth = authHeader(input.caller);
    if (auth !== undefined) headers.Authorization = auth;
    if (input.requestId !== undefined) headers['X-Request-Id'] = input.requestId;
    const describeInput = `${op.method} ${cut(target, 200)} as ${input.caller}; body ${shown}`;
    bump(counts.restInputs, op.key);
    let res: Answer;
    try {
      res = await send({ method: op.method, path: target, headers, body });
    } catch (err) {
      bump2(counts.restStatus, op.key, 'no answer');
      problem(`REST ${op.key}`, `no answer (${(err as Error).message})`, describeInput);
      fingerprint = await takeFingerprint();
      return;
    }
    bump2(counts.restStatus, op.key, String(res.status));
    if (LOG_FILE) appendFileSync(LOG_FILE, `${res.status} ${describeInput} (${target.length} chars) → ${cut(res.text, 200)}\n`);
    const { problems: found, code } = answerProblems(res, input.requestId);
    for (const p of found) problem(`REST ${op.key}`, p.replace(/:.*$/s, ''), `${describeInput}\n      → ${res.status} ${cut(res.text)}\n      (${p})`);
    if (res.status >= 400) {
      const changed = await changedTables();
      if (changed.length) problem(`REST ${op.key}`, `refused with ${res.status} ${code ?? ''} but changed ${changed.map((c) => c.split(' ')[0]).join(', ')}`, `${describeInput}\n      → ${res.status} ${cut(res.text)}\n      changed: ${changed.join(', ')}`);
    } else if (isWrite(op.method)) {
      await repair();
      fingerprint = await takeFingerprint();
    } else {
      // Not asked for, but as cheap: a read never writes.
      const changed = await changedTables();
      if (changed.length) problem(`REST ${op.key}`, `a read (${res.status}) changed ${changed.map((c) => c.split(' ')[0]).join(', ')}`, `${describeInput}\n      changed: ${changed.join(', ')}`);
    }
  }

  // ---- sockets

  const SOCKET_EVENTS: Record<string, { schema: BodySchema; base: () => Record<string, unknown> }> = {
    'message.send': {
      schema: schema({ conversationId: 'uuid', content: 'string', clientMessageId: 'string', attachmentIds: 'array', replyToId: 'uuid' }),
      base: () => ({ conversationId: new Ref('conv.group'), content: 'socket fuzz', clientMessageId: new Fresh('clientMessageId') }),
    },
    'message.edit': { schema: schema({ messageId: 'uuid', content: 'string', expectedVersion: 'number' }), base: () => ({ messageId: new Ref('msg.edited'), content: 'socket edit' }) },
    'message.delete': { schema: schema({ messageId: 'uuid' }), base: () => ({ messageId: new Ref('msg.direct') }) },
    'reaction.add': { schema: schema({ messageId: 'uuid', emoji: 'string' }), base: () => ({ messageId: new Ref('msg.reacted'), emoji: '👍' }) },
    'reaction.remove': { schema: schema({ messageId: 'uuid', emoji: 'string' }), base: () => ({ messageId: new Ref('msg.edited'), emoji: '❤️' }) },
    'conversation.read': { schema: schema({ conversationId: 'uuid', seq: 'number' }), base: () => ({ conversationId: new Ref('conv.group'), seq: 1 }) },
    'conversation.delivered': { schema: schema({ conversationId: 'uuid', seq: 'number' }), base: () => ({ conversationId: new Ref('conv.group'), seq: 1 }) },
    'messages.sync': { schema: schema({ conversationId: 'uuid', afterSeq: 'number', limit: 'number' }), base: () => ({ conversationId: new Ref('conv.group'), afterSeq: 0, limit: 10 }) },
    typing: { schema: schema({ conversationId: 'uuid', isTyping: 'boolean' }), base: () => ({ conversationId: new Ref('conv.group'), isTyping: true }) },
    'messages.search': {
      schema: schema({ q: 'string', conversationId: 'uuid', senderId: 'uuid', after: 'date-time', before: 'date-time', hasAttachment: 'boolean', sort: 'string', limit: 'number', cursor: 'string' }),
      base: () => ({ q: 'first', limit: 5 }),
    },
    me: { schema: schema({}), base: () => ({}) },
  };
  const KNOWN_EVENTS = new Set(Object.keys(SOCKET_EVENTS));
  /** The event's definition; an unknown name (`toString` included) gets the one of `me`. */
  const eventDef = (event: string) => (Object.hasOwn(SOCKET_EVENTS, event) ? SOCKET_EVENTS[event] : SOCKET_EVENTS.me);
  const READ_EVENTS = new Set(['messages.sync', 'messages.search', 'me', 'typing']);

  function schema(fields: Record<string, 'uuid' | 'string' | 'number' | 'boolean' | 'array' | 'date-time'>): BodySchema {
    const properties: BodySchema['properties'] = {};
    for (const [k, v] of Object.entries(fields)) properties[k] = v === 'uuid' ? { type: 'string', format: 'uuid' } : v === 'date-time' ? { type: 'string', format: 'date-time' } : { type: v };
    return { properties, required: [] };
  }

  type SocketCaller = 'admin' | 'member' | 'outsider';
  interface SocketInput {
    caller: SocketCaller;
    args: { kind: 'none' } | { kind: 'payload'; mutation: Mutation } | { kind: 'several'; values: unknown[] } | { kind: 'deep'; depth: number; shape: 'array' | 'object' } | { kind: 'huge' } | { kind: 'binary'; size: number };
  }
  function socketInputArb(event: string): fc.Arbitrary<SocketInput> {
    const def = eventDef(event);
    const fields = Object.keys(def.schema.properties);
    const fv = fieldValue(def.schema);
    const field = fields.length ? fc.constantFrom(...fields) : fc.constant('x');
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: 'valid' as const }) },
      { weight: fields.length ? 8 : 0, arbitrary: field.chain((f) => fc.oneof(fv(f), hostileValue).map((value) => ({ kind: 'replace' as const, field: f, value }))) },
      { weight: fields.length ? 1 : 0, arbitrary: field.map((f) => ({ kind: 'remove' as const, field: f })) },
      { weight: fields.length ? 1 : 0, arbitrary: fc.tuple(field, fc.constantFrom('array' as const, 'object' as const)).map(([f, how]) => ({ kind: 'wrap' as const, field: f, how })) },
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'actor', 'userId', 'senderId', 'x'), hostileValue).map(([key, value]) => ({ kind: 'add' as const, key, value })) },
      { weight: 3, arbitrary: hostileValue.map((value) => ({ kind: 'whole' as const, value })) },
    );
    return fc.record({
      caller: fc.constantFrom<SocketCaller>('admin', 'member', 'outsider'),
      args: fc.oneof(
        { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
        { weight: 16, arbitrary: mutation.map((m) => ({ kind: 'payload' as const, mutation: m })) },
        { weight: 1, arbitrary: fc.array(hostileValue, { minLength: 2, maxLength: 3 }).map((values) => ({ kind: 'several' as const, values })) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.oneof(fc.integer({ min: 17, max: 100 }), fc.constantFrom(20, 500, 2000)), fc.constantFrom('array' as const, 'object' as const)).map(([depth, shape]) => ({ kind: 'deep' as const, depth, shape })),
        },
        { weight: 1, arbitrary: fc.constantFrom(16, 4096, 30_000).map((size) => ({ kind: 'binary' as const, size })) },
      ),
    });
  }
  /** The emit's arguments and their size on the wire (roughly: a close is only fine above the maximum). */
  function socketArgs(event: string, input: SocketInput): { args: EmitArgs; bytes: number; shown: string } {
    const def = eventDef(event);
    let args: EmitArgs;
    switch (input.args.kind) {
      case 'none':
        args = [];
        break;
      case 'payload':
        args = [resolve(applyMutation(def.base(), input.args.mutation).value)];
        break;
      case 'several':
        args = input.args.values.map((v) => resolve(v));
        break;
      case 'deep':
        args = [nested(input.args.depth, input.args.shape)];
        break;
      case 'huge':
        args = [{ ...def.base(), content: 'x'.repeat(MAX_WS_PAYLOAD_BYTES + 200_000) }];
        break;
      case 'binary':
        args = [{ ...(resolve(def.base()) as object), content: randomBytes(input.args.size) }];
        break;
    }
    let text: string;
    try {
      text = JSON.stringify(args) ?? '';
    } catch {
      text = String(args);
    }
    return { args, bytes: Buffer.byteLength(text), shown: input.args.kind === 'deep' ? `nested ${input.args.depth} levels (${input.args.shape})` : cut(text) };
  }

  const socketsByCaller = new Map<SocketCaller, Socket>();
  function openSocket(auth: Record<string, unknown>, query?: Record<string, string>): Socket {
    const s = io(t.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, auth, ...(query ? { query } : {}) });
    sockets.push(s);
    return s;
  }
  function connected(s: Socket): Promise<Socket> {
    return new Promise((resolve, reject) => {
      s.once('connect', () => resolve(s));
      s.once('connect_error', (err) => reject(err));
    });
  }
  async function socketFor(caller: SocketCaller): Promise<Socket> {
    const existing = socketsByCaller.get(caller);
    if (existing?.connected) return existing;
    existing?.close();
    if (existing) counts.reconnects += 1;
    const s = await connected(openSocket({ token: fx.users[caller].token }));
    socketsByCaller.set(caller, s);
    return s;
  }

  type AckOutcome = { kind: 'ack'; ack: unknown } | { kind: 'closed'; reason: string } | { kind: 'timeout' };
  function emitWithAck(s: Socket, event: string, args: EmitArgs): Promise<AckOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (o: AckOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        s.off('disconnect', onClose);
        resolve(o);
      };
      const onClose = (reason: string) => done({ kind: 'closed', reason });
      const timer = setTimeout(() => done({ kind: 'timeout' }), 5000);
      s.once('disconnect', onClose);
      s.emit(event, ...args, (ack: unknown) => done({ kind: 'ack', ack }));
    });
  }

  function ackProblems(event: string, ack: unknown): { problems: string[]; code: string } {
    if (typeof ack !== 'object' || ack === null || Array.isArray(ack)) return { problems: [`the ack is not an object: ${show(ack)}`], code: 'malformed' };
    const a = ack as Record<string, unknown>;
    if (a.ok === true) {
      const keys = Object.keys(a).sort().join(',');
      const out = keys === 'data,ok' ? [] : [`an ok ack has keys ${keys}`];
      if (!KNOWN_EVENTS.has(event)) out.push(`an unknown event was answered ok: ${show(ack)}`);
      return { problems: out, code: 'ok' };
    }
    if (a.ok !== false) return { problems: [`ack.ok is not a boolean: ${show(ack)}`], code: 'malformed' };
    const out: string[] = [];
    if (Object.keys(a).sort().join(',') !== 'error,ok') out.push(`a refusal ack has keys ${Object.keys(a).join(',')}`);
    out.push(...errorObjectProblems(a.error, true));
    const code = String((a.error as { code?: unknown } | undefined)?.code);
    if (code === 'INTERNAL') out.unshift('ack error INTERNAL');
    const message = (a.error as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string' && DATABASE_REFUSALS.test(message)) out.push(`the database refused what validation let through (${code} "${message}")`);
    if (!KNOWN_EVENTS.has(event) && code !== 'NOT_FOUND') out.push(`an unknown event was answered ${code}, not NOT_FOUND`);
    out.push(...leakProblems(JSON.stringify(a.error)));
    return { problems: out, code };
  }

  async function runSocket(event: string, input: SocketInput): Promise<void> {
    const s = await socketFor(input.caller);
    const { args, bytes, shown } = socketArgs(event, input);
    const where = `socket ${KNOWN_EVENTS.has(event) ? event : '(unknown event)'}`;
    const describeInput = `emit ${show(event)} as ${input.caller} with ${args.length} argument(s): ${shown}`;
    bump(counts.socketInputs, KNOWN_EVENTS.has(event) ? event : '(unknown events)');
    const outcome = await emitWithAck(s, event, args);
    if (outcome.kind === 'timeout') {
      bump2(counts.ackCodes, event, 'no ack');
      problem(where, 'no ack within 5 s', describeInput);
      fingerprint = await takeFingerprint();
      return;
    }
    if (outcome.kind === 'closed') {
      counts.socketCloses += 1;
      bump2(counts.ackCodes, KNOWN_EVENTS.has(event) ? event : '(unknown events)', 'closed');
      if (bytes <= MAX_WS_PAYLOAD_BYTES) problem(where, `the server closed the socket (${outcome.reason}) for a payload under the maximum`, `${describeInput} (${bytes} bytes)`);
      fingerprint = await takeFingerprint();
      return;
    }
    const { problems: found, code } = ackProblems(event, outcome.ack);
    bump2(counts.ackCodes, KNOWN_EVENTS.has(event) ? event : '(unknown events)', code);
    for (const p of found) problem(where, p.replace(/:.*$/s, ''), `${describeInput}\n      → ${show(outcome.ack)}\n      (${p})`);
    if (!s.connected && bytes <= MAX_WS_PAYLOAD_BYTES) problem(where, 'the socket was closed after answering', describeInput);
    if (code !== 'ok') {
      const changed = await changedTables();
      if (changed.length) problem(where, `refused with ${code} but changed ${changed.map((c) => c.split(' ')[0]).join(', ')}`, `${describeInput}\n      → ${show(outcome.ack)}\n      changed: ${changed.join(', ')}`);
    } else if (!READ_EVENTS.has(event)) {
      await repair();
      fingerprint = await takeFingerprint();
    } else {
      const changed = await changedTables();
      if (changed.length) problem(where, `a read event changed ${changed.map((c) => c.split(' ')[0]).join(', ')}`, `${describeInput}\n      changed: ${changed.join(', ')}`);
    }
  }

  // ---- setup

  beforeAll(async () => {
    dbName = uniqueName('parley_test_fuzz');
    const url = databaseUrl(dbName);
    assertTestDatabase(url);
    await prepareDatabase(loadConfig({ DATABASE_URL: url }));
    t = await startApp({
      DATABASE_URL: url,
      // Limits must not mask answers: every limit at (or near) its maximum.
      RATE_LIMIT_READS_PER_MINUTE: '1000000',
      RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
      RATE_LIMIT_SEARCH_PER_MINUTE: '1000000',
      // 100000 is this setting's maximum.
      RATE_LIMIT_AUTH_PER_MINUTE: '100000',
      LOGIN_FAILURES_PER_IP_AND_NAME: '10000',
      LOGIN_SLOWDOWN_AFTER_FAILURES: '100000',
      WS_SEND_RATE_PER_SECOND: '10000',
      WS_SEND_BURST: '100000',
      WS_EVENT_RATE_PER_SECOND: '10000',
      WS_SYNC_BURST: '100000',
      WS_HANDSHAKES_PER_MINUTE: '100000',
      WS_MAX_SOCKETS_PER_USER: '1000',
      WS_MAX_PAYLOAD_BYTES: String(MAX_WS_PAYLOAD_BYTES),
      // Cheap password hashing: thousands of register and login attempts pass validation.
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PASSWORD_HASH_ITERATIONS: '1',
      PASSWORD_HASH_QUEUE: '10000',
    });
    baseUrl = new URL(t.url);
    agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    db = new Client({ connectionString: url });
    await db.connect();
    const tables = (
      await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'migrations' ORDER BY 1`)
    ).rows.map((r) => r.table_name);
    fingerprintSql = tables.map((name) => `SELECT '${name}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM "${name}" x`).join(' UNION ALL ');
    const docRes = await send({ method: 'GET', path: '/docs-json' });
    doc = JSON.parse(docRes.text) as typeof doc;
    await createFixtures();
    fingerprint = await takeFingerprint();
    fingerprinted = tables;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    agent?.destroy();
    await db?.end();
    if (dbName) {
      const admin = new Client({ connectionString: databaseUrl('postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await admin.end();
    }
    const fmt = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}:${v}`).join(' ');
    const total = (m: Map<string, Map<string, number>>) => {
      const all = new Map<string, number>();
      for (const inner of m.values()) for (const [k, v] of inner) bump(all, k, v);
      return all;
    };
    const lines = [
      `fuzz summary: seed ${SEED} (PARLEY_FUZZ_SEED), scale ${SCALE} (PARLEY_FUZZ_SCALE), ${((Date.now() - started) / 1000).toFixed(1)} s; tables fingerprinted: ${fingerprinted.join(', ')}`,
      `REST: ${[...counts.restInputs.values()].reduce((a, b) => a + b, 0)} inputs over ${counts.restInputs.size} operations; statuses ${fmt(total(counts.restStatus))}`,
      ...[...counts.restInputs.entries()].map(([op, n]) => `  ${op}: ${n} inputs; ${fmt(counts.restStatus.get(op) ?? new Map())}`),
      `Socket.IO: ${[...counts.socketInputs.values()].reduce((a, b) => a + b, 0)} events over ${counts.socketInputs.size} names; acks ${fmt(total(counts.ackCodes))}; closes ${counts.socketCloses}, reconnects ${counts.reconnects}`,
      ...[...counts.socketInputs.entries()].map(([e, n]) => `  ${e}: ${n} inputs; ${fmt(counts.ackCodes.get(e) ?? new Map())}`),
      `handshakes: ${fmt(counts.handshakes)}`,
      `fixture repairs: ${fmt(counts.repairs) || 'none'}`,
      problems.size ? `PROBLEMS:\n${problemsReport('').join('\n')}` : 'no problems',
    ];
    console.log(lines.join('\n'));
  });

  // ---- regression inputs from the review (they must keep passing)

  describe('regressions from the review', () => {
    beforeEach(async () => {
      await repair();
    });

    async function expectRefusedUnchanged(req: Outgoing, status: number, code: string): Promise<Answer> {
      const before = await takeFingerprint();
      const res = await send(req);
      expect(answerProblems(res).problems).toEqual([]);
      expect({ status: res.status, code: (JSON.parse(res.text) as { error: { code: string } }).error.code }).toEqual({ status, code });
      expect(await takeFingerprint()).toEqual(before);
      fingerprint = await takeFingerprint();
      return res;
    }
    const jsonReq = (method: string, path: string, token: string | null, text: string): Outgoing => ({
      method,
      path,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: Buffer.from(text),
    });

    it('POST /v1/conversations/{id}/read {"seq":{"constructor":"x"}} → 400', async () => {
      await expectRefusedUnchanged(jsonReq('POST', `/v1/conversations/${fx.conv.group}/read`, fx.users.member.token, '{"seq":{"constructor":"x"}}'), 400, 'VALIDATION_FAILED');
    });

    it('POST /v1/conversations {"name":{"constructor":"x"},"memberIds":[...]} → 400', async () => {
      await expectRefusedUnchanged(
        jsonReq('POST', '/v1/conversations', fx.users.admin.token, JSON.stringify({ name: { constructor: 'x' }, memberIds: [fx.users.member.id] })),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('a body nested 10,000 levels deep → 400', async () => {
      await expectRefusedUnchanged(jsonReq('POST', '/v1/conversations', fx.users.admin.token, nestedJson(10_000, 'object')), 400, 'VALIDATION_FAILED');
      await expectRefusedUnchanged(jsonReq('PATCH', '/v1/users/me', fx.users.admin.token, `{"displayName":${nestedJson(10_000, 'array')}}`), 400, 'VALIDATION_FAILED');
    });

    it('POST /v1/auth/register with a lone surrogate in the email → 400', async () => {
      const username = freshUsername('fzsur');
      const text = JSON.stringify({ username, email: 'a\ud800@example.com', password: 'correct horse battery' });
      expect(text).toContain('\\ud800');
      await expectRefusedUnchanged(jsonReq('POST', '/v1/auth/register', null, text), 400, 'VALIDATION_FAILED');
    });

    it('GET /v1/conversations/sync-state?since=-271821-04-20T00:00:00Z → 400', async () => {
      const res = await expectRefusedUnchanged({ method: 'GET', path: '/v1/conversations/sync-state?since=-271821-04-20T00:00:00Z', headers: { Authorization: `Bearer ${fx.users.member.token}` } }, 400, 'VALIDATION_FAILED');
      expect((JSON.parse(res.text) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain('since');
    });

    it('adding an existing member again, with the id in upper case → 200, no duplicate', async () => {
      const before = await membersOf(fx.conv.group);
      const res = await send(jsonReq('POST', `/v1/conversations/${fx.conv.group}/members`, fx.users.admin.token, JSON.stringify({ userIds: [fx.users.member.id.toUpperCase()] })));
      expect(answerProblems(res).problems).toEqual([]);
      expect(res.status).toBe(200);
      const members = (JSON.parse(res.text) as { members: { userId: string }[] }).members.map((m) => m.userId);
      expect(new Set(members).size).toBe(members.length);
      expect(members.sort()).toEqual(before.split(',').map((m) => m.split(':')[0]).sort());
      expect(await membersOf(fx.conv.group)).toBe(before);
      fingerprint = await takeFingerprint();
    });

    it('a multipart/form-data body on PATCH /v1/users/me → 400, nothing changed', async () => {
      await expectRefusedUnchanged(
        {
          method: 'PATCH',
          path: '/v1/users/me',
          headers: { 'Content-Type': 'multipart/form-data; boundary=fuzzboundary', Authorization: `Bearer ${fx.users.member.token}` },
          body: Buffer.from(multipartBody({ displayName: 'Changed by multipart', timezone: 'Asia/Tokyo' })),
        },
        400,
        'VALIDATION_FAILED',
      );
    });

    it('a raw non-ASCII path and a 20 KB header get the envelope and X-Request-Id', async () => {
      const nonAscii = await rawHttp(Buffer.concat([Buffer.from('GET /v1/'), Buffer.from('é', 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: ${baseUrl.host}\r\nConnection: close\r\n\r\n`)]));
      const huge = await rawHttp(Buffer.from(`GET /v1/users/me HTTP/1.1\r\nHost: ${baseUrl.host}\r\nX-Fill: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`));
      for (const res of [nonAscii, huge]) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers['x-request-id']).toEqual(expect.any(String));
        const body = JSON.parse(res.text) as { error: { code: string; requestId: string } };
        expect(Object.keys(body)).toEqual(['error']);
        expect(errorObjectProblems(body.error, false)).toEqual([]);
        expect(body.error.requestId).toBe(res.headers['x-request-id']);
      }
    });

    it('an unknown socket event with an ack → { ok: false, error: { code: NOT_FOUND } }', async () => {
      const s = await connected(openSocket({ token: fx.users.member.token }));
      const outcome = await emitWithAck(s, 'no.such.event', [{ a: 1 }]);
      expect(outcome.kind).toBe('ack');
      const ack = (outcome as { ack: unknown }).ack;
      expect(ack).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String), requestId: expect.any(String) } });
      expect(s.connected).toBe(true);
      s.close();
    });

    it('a handshake whose auth.since holds a NUL → connect_error VALIDATION_FAILED', async () => {
      const err = await connected(openSocket({ token: fx.users.member.token, since: '2024-01-01T00:00:00Z\u0000' })).then(
        () => null,
        (e: Error & { data?: { error: unknown } }) => e,
      );
      expect(err).not.toBeNull();
      expect(err!.message).toBe('VALIDATION_FAILED');
      expect(errorObjectProblems(err!.data?.error, false)).toEqual([]);
      expect((err!.data?.error as { code: string }).code).toBe('VALIDATION_FAILED');
    });
  });

  /** Found by this file: an offset moved a time written in 9999 or 0001 outside the years a time may have. */
  describe('times whose offset crosses year 9999 or 0001', () => {
    beforeEach(async () => {
      await repair();
    });

    it('PUT /v1/conversations/{id}/mute {"until":"9999-12-31T23:59:59-23:59"} → 400 (it would be stored as year 10000, answered as "+010000-…", refused when sent back)', async () => {
      const res = await send({
        method: 'PUT',
        path: `/v1/conversations/${fx.conv.group}/mute`,
        headers: { Authorization: `Bearer ${fx.users.member.token}`, 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify({ until: '9999-12-31T23:59:59-23:59' })),
      });
      fingerprint = await takeFingerprint();
      expect(res.status).toBe(400);
    });

    it('a handshake whose auth.since is "0001-01-01T00:00:00+23:59" is refused (it would connect, and sync.required never come)', async () => {
      const s = openSocket({ token: fx.users.member.token, since: '0001-01-01T00:00:00+23:59' });
      const outcome = await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('connected, no sync.required within 3 s'), 3000);
        s.once('sync.required', () => {
          clearTimeout(timer);
          resolve('sync.required');
        });
        s.once('connect_error', (err: Error) => {
          clearTimeout(timer);
          resolve(err.message);
        });
      });
      s.close();
      expect(outcome).toBe('VALIDATION_FAILED');
    });
  });

  // ---- the fuzzing itself

  it('REST: every operation of the OpenAPI document, hostile input, as every kind of caller', async () => {
    await repair();
    fingerprint = await takeFingerprint();
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const [index, op] of ops.entries()) {
      const n = op.body ? runs(100) : op.pathParams.length || op.query.length ? runs(70) : runs(40);
      await fc.assert(
        fc.asyncProperty(restInputArb(op), async (input) => {
          await runRest(op, input);
        }),
        { seed: SEED + index, numRuns: n, endOnFailure: true },
      );
    }
    expect([...counts.restInputs.keys()].sort()).toEqual(ops.map((o) => o.key).sort());
    expect(problemsReport('REST')).toEqual([]);
  });

  it('Socket.IO: every client event (and unknown ones), hostile payloads, always acked', async () => {
    await repair();
    fingerprint = await takeFingerprint();
    const events = [...Object.keys(SOCKET_EVENTS)];
    for (const [index, event] of events.entries()) {
      await fc.assert(
        fc.asyncProperty(socketInputArb(event), async (input) => {
          await runSocket(event, input);
        }),
        { seed: SEED + 1000 + index, numRuns: runs(event === 'me' ? 40 : 65), endOnFailure: true },
      );
    }
    await fc.assert(
      fc.asyncProperty(
        unknownEventNames.filter((n) => !KNOWN_EVENTS.has(n) && !['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'].includes(n)),
        socketInputArb('me'),
        async (event, input) => {
          await runSocket(event, input);
        },
      ),
      { seed: SEED + 2000, numRuns: runs(80), endOnFailure: true },
    );
    // Payloads over the maximum: the server may close the socket (and the client reconnects).
    for (const event of ['message.send', 'no.such.event']) await runSocket(event, { caller: 'member', args: { kind: 'huge' } });
    for (const caller of ['admin', 'member', 'outsider'] as const) expect((await socketFor(caller)).connected).toBe(true);
    expect(problemsReport('socket')).toEqual([]);
  });

  it('Socket.IO handshakes with hostile auth: connected, or connect_error with the envelope', async () => {
    await repair();
    const token = fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom<SocketCaller>('admin', 'member').map((c) => fx.users[c].token) },
      { weight: 3, arbitrary: hostileValue },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('refresh', 'wrongKey', 'algNone').map((k) => (authHeader(k === 'refresh' ? 'refreshToken' : (k as Caller)) ?? '').replace(/^Bearer /, '')) },
    );
    const since = fc.option(fc.oneof(hostileDate, hostileValue, fc.constant(new Date().toISOString())), { freq: 2, nil: undefined });
    const query = fc.option(fc.constantFrom<Record<string, string>>({ token: 'x' }, { access_token: 'x' }, { since: '2024-01-01T00:00:00Z' }, { EIO: '3' }, setOwn({}, '__proto__', 'x') as Record<string, string>, { a: '%00' }), { freq: 4, nil: undefined });
    await fc.assert(
      fc.asyncProperty(token, since, query, fc.option(fc.tuple(fc.constantFrom('constructor', '__proto__', 'x', 'userId'), hostileString), { nil: undefined }), async (tok, sinceValue, q, extra) => {
        const auth: Record<string, unknown> = {};
        if (tok !== undefined) auth.token = tok;
        if (sinceValue !== undefined) auth.since = sinceValue;
        if (extra) setOwn(auth, extra[0], extra[1]);
        const describeInput = `handshake auth ${show(auth)} query ${show(q)}`;
        const s = openSocket(auth, q);
        const outcome = await new Promise<{ ok: true } | { ok: false; err: Error & { data?: { error?: unknown } } } | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 6000);
          s.once('connect', () => {
            clearTimeout(timer);
            resolve({ ok: true });
          });
          s.once('connect_error', (err) => {
            clearTimeout(timer);
            resolve({ ok: false, err });
          });
        });
        s.close();
        if (outcome === null) {
          bump(counts.handshakes, 'no answer');
          problem('socket handshake', 'neither connect nor connect_error within 6 s', describeInput);
          return;
        }
        if (outcome.ok) {
          bump(counts.handshakes, 'connected');
          return;
        }
        const data = outcome.err.data;
        const code = String((data?.error as { code?: unknown } | undefined)?.code);
        bump(counts.handshakes, code);
        const found = [
          ...(typeof data === 'object' && data !== null && Object.keys(data).join(',') === 'error' ? [] : [`connect_error data is not { error }: ${show(data)} (message ${outcome.err.message})`]),
          ...errorObjectProblems(data?.error, false),
          ...(outcome.err.message === code ? [] : [`connect_error message ${show(outcome.err.message)} is not the code ${code}`]),
          ...(code === 'INTERNAL' ? ['connect_error INTERNAL'] : []),
          ...leakProblems(JSON.stringify(data ?? null)),
        ];
        for (const p of found) problem('socket handshake', p.replace(/:.*$/s, ''), `${describeInput}\n      → ${outcome.err.message} ${show(data)}\n      (${p})`);
      }),
      { seed: SEED + 3000, numRuns: runs(60), endOnFailure: true },
    );
    expect(problemsReport('socket handshake')).toEqual([]);
  });
});

interface SchemaObject {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
}
interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: SchemaObject }[];
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
}
