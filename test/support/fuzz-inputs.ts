import fc from 'fast-check';

/**
 * Hostile input for the fuzz suite (test/fuzz.e2e-spec.ts): fast-check arbitraries for values,
 * ids, path segments, query strings and request bodies, and the encoders that put them on the
 * wire exactly as generated (lone surrogates, raw percent signs and all).
 *
 * Ids of the fixtures are not known when the arbitraries are built, so generated input names
 * them symbolically (`Ref`, resolved when the request is sent), as it names values that must be
 * fresh on every send (`Fresh`: a username, an email, a clientMessageId).
 */

export const REF_KINDS = {
  user: ['user.admin', 'user.member', 'user.third', 'user.outsider'],
  conversation: ['conv.direct', 'conv.group', 'conv.hidden', 'conv.retired'],
  message: ['msg.edited', 'msg.reacted', 'msg.direct', 'msg.hidden', 'msg.retired'],
} as const;
export type RefKind = keyof typeof REF_KINDS;
export type RefName = (typeof REF_KINDS)[RefKind][number];
const ALL_REFS: RefName[] = Object.values(REF_KINDS).flat();

/** A fixture's id, resolved at send time; `form` alters how the id is written. */
export class Ref {
  constructor(
    readonly name: RefName,
    readonly form: 'plain' | 'upper' | 'braces' | 'urn' | 'nodashes' | 'padded' | 'nul' | 'truncated' | 'extra' = 'plain',
  ) {}

  write(id: string): string {
    switch (this.form) {
      case 'plain':
        return id;
      case 'upper':
        return id.toUpperCase();
      case 'braces':
        return `{${id}}`;
      case 'urn':
        return `urn:uuid:${id}`;
      case 'nodashes':
        return id.replace(/-/g, '');
      case 'padded':
        return ` ${id} `;
      case 'nul':
        return `${id}\u0000`;
      case 'truncated':
        return id.slice(0, 35);
      case 'extra':
        return `${id}0`;
    }
  }
}

/** A value that has to be new on every send (a username no one has, a clientMessageId). */
export class Fresh {
  constructor(readonly kind: 'username' | 'email' | 'clientMessageId' | 'token' | 'login') {}
}

// ---------------------------------------------------------------------------------------------
// Values

export const PROTO_KEYS = ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'toJSON'];

/** Sets an own property, `__proto__` included, as JSON.parse on the server would. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

const strings = [
  '',
  ' ',
  '   \t\n ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00',
  'x\ud800y',
  'a\udc00\ud800b',
  '\u202eevil\u202c',
  '\u200b',
  '\u200b\u200c\u200d\u2060',
  '\ufeff',
  '\u00a0',
  '\u2028\u2029',
  '\u0085',
  '\u001b[31m',
  '👍',
  '👍🏽',
  '👨‍👩‍👧‍👦',
  '🇫🇷',
  'e\u0301',
  'Z\u0351\u0353\u0356\u0357\u0358\u0359\u035a\u035b\u035c\u035d\u035e\u035f\u0360\u0361\u0362',
  'مرحبا بالعالم',
  'שָׁלוֹם',
  '𝕳𝖊𝖑𝖑𝖔',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x10',
  '1_000',
  ' 1',
  '1 ',
  '01',
  '+1',
  '-1',
  '1.5',
  '9007199254740993',
  '99999999999999999999999',
  'true',
  'false',
  'null',
  'undefined',
  '[object Object]',
  '%00',
  '%',
  '../../etc/passwd',
  '..%2F..%2F',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '" OR ""="',
  '\\',
  '\\u0000',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '%s%s%s%n',
  'ACC_X',
  'Europe/Paris',
  'Mars/Olympus_Mons',
  'UTC\u0000',
  'everyone',
  'contacts',
  'owner',
  'OWNER',
  'admin',
  'relevance',
  'recent',
];

const longStrings: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(10_001, 10_000, 16_385, 65_536, 100_001, 300_000), fc.constantFrom('a', 'é', '👍', ' ', '\u200b', 'ab\u0000'))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...strings) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\ud800', '\udc00', 'a', '\u200d', '\u0301'), maxLength: 12 }) },
  { weight: 1, arbitrary: longStrings },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, -1.5, 0.1, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE, Number.EPSILON, 100, 101, 1e21),
  fc.integer(),
  fc.double(),
  fc.maxSafeInteger(),
);

export const hostileDate: fc.Arbitrary<string | number> = fc.oneof(
  fc.constantFrom(
    '-271821-04-20T00:00:00Z',
    '-271821-04-19T23:59:59.999Z',
    '+275760-09-13T00:00:00Z',
    '+275760-09-13T00:00:00.001Z',
    '2024-02-30',
    '2024-02-30T00:00:00Z',
    '2023-02-29T12:00:00Z',
    '9999-12-31T23:59:60Z',
    '9999-12-31T23:59:59-23:59',
    '0001-01-01T00:00:00+23:59',
    '0000-01-01T00:00:00Z',
    '1970-01-01',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00+25:00',
    '2024-01-01T00:00:00.1234567891Z',
    '2024-01-01T00:00:00',
    '2024-01-01 00:00:00',
    '20240101T000000Z',
    'now',
    'yesterday',
    '1700000000',
    '1700000000000',
    'Mon, 01 Jan 2024 00:00:00 GMT',
    '2024-01-01T00:00:00Z\u0000',
    ' 2024-01-01T00:00:00Z ',
  ),
  fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc.date({ noInvalidDate: true }).map((d) => d.getTime()),
);

export const booleanLike: fc.Arbitrary<unknown> = fc.constantFrom(true, false, 'true', 'false', 'TRUE', '1', '0', 'yes', 'on', 1, 0, '', null);

/** An object holding a prototype key at some depth, e.g. `{ "a": { "constructor": "x" } }`. */
export const protoObject: fc.Arbitrary<unknown> = fc
  .tuple(fc.array(fc.constantFrom('a', 'seq', 'name', 'content', '0'), { maxLength: 4 }), fc.constantFrom(...PROTO_KEYS), fc.oneof(fc.constant('x'), fc.constant({}), fc.constant(null), fc.jsonValue({ maxDepth: 1 })))
  .map(([path, key, value]) => {
    let inner: unknown = setOwn({}, key, value);
    for (const p of path.reverse()) inner = setOwn({}, p, inner);
    return inner;
  });

/** A value nested `depth` levels deep, built without recursion. */
export function nested(depth: number, shape: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = shape === 'array' ? [v] : { a: v };
  return v;
}

/** The same as JSON text, for depths the client must not recurse into. */
export function nestedJson(depth: number, shape: 'array' | 'object', inner = '1'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, hostileDate, booleanLike);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: hostileDate },
  { weight: 1, arbitrary: booleanLike },
  { weight: 2, arbitrary: protoObject },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 3,
      maxKeys: 5,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withDate: true,
      withSparseArray: true,
      withUnicodeString: true,
    }),
  },
  { weight: 2, arbitrary: fc.array(hostileScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: hostileScalar.map((v) => ({ value: v })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 17, max: 40 }), fc.constantFrom('array' as const, 'object' as const)).map(([d, s]) => nested(d, s)) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, {}, [], [[]], [null], { '': '' }) },
);

/** A raw JSON literal spliced into a body in place of a field's value. */
export const rawLiteral: fc.Arbitrary<string> = fc.constantFrom(
  '1e309',
  '-1e309',
  '-0',
  `1${'0'.repeat(400)}`,
  `0.${'0'.repeat(400)}1`,
  '1e-400',
  '9007199254740993',
  '123456789012345678901234567890',
  '"\\u0000"',
  '"\\ud800"',
  '"a\\udc00"',
  '"\\ud800\\ud800"',
  '"\\uDBFF\\uDFFF"',
  '"\\u202e"',
  '1.0',
  '1E2',
);

// ---------------------------------------------------------------------------------------------
// Ids, path segments, query strings

const refForms = fc.constantFrom<Ref['form']>('plain', 'plain', 'plain', 'plain', 'upper', 'upper', 'braces', 'urn', 'nodashes', 'padded', 'nul', 'truncated', 'extra');

export function refArb(kind?: RefKind): fc.Arbitrary<Ref> {
  const names: readonly RefName[] = kind ? REF_KINDS[kind] : ALL_REFS;
  return fc.tuple(fc.constantFrom(...names), refForms).map(([name, form]) => new Ref(name, form));
}

const fixedIds = fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '00000000-0000-7000-8000-000000000000');

/** What an id field or path parameter gets: mostly ids (of the right kind, of another kind, unknown ones), then junk. */
export function idValue(kind?: RefKind): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: kind ? refArb(kind) : refArb() },
    { weight: 2, arbitrary: refArb() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid({ version: 7 }).map((u) => u.toUpperCase()) },
    { weight: 1, arbitrary: fixedIds },
    { weight: 2, arbitrary: hostileValue },
  );
}

/** A path segment written exactly as it goes on the wire (no further encoding). */
export class RawSegment {
  constructor(readonly text: string) {}
}

const rawSegments = fc.constantFrom(
  '%',
  '%00',
  '%2',
  '%ZZ',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%FF',
  '..%2F',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e',
  '..',
  '.',
  '%20',
  '%0d%0aX-Injected:%201',
  '%u0000',
  '%25',
  '%F0%9F%91%8D',
  '%E2%9D%A4%EF%B8%8F',
  '%F0%9F%91%8D%F0%9F%8F%BD',
  'me',
  'sync-state',
  'direct',
  '__proto__',
  'constructor',
  '*',
  '$',
  ';',
  'a;b=c',
  'a%3Fb',
  'a?b=c',
  'a#b',
  '[]',
  '\u00e9',
  '\u00ff\u00fe',
  'a'.repeat(3000),
  '%41'.repeat(3000),
);

/** Hostile values that keep a URL under the server's 16 KB limit on the request head (long ones come separately, rarely). */
const shortHostile: fc.Arbitrary<unknown> = hostileValue.filter((v) => looseEncode(stringify(v)).length <= 2048);

export function segmentValue(kind?: RefKind | 'emoji'): fc.Arbitrary<unknown> {
  const emoji = fc.constantFrom('👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇫🇷', '⭐', 'a', '1', ':+1:', '👍👍', '\u200d', 'é', '\ufe0f', '🏽', '\u{1F9DF}\u200d\u2640\ufe0f'.repeat(3));
  return fc.oneof(
    // Mostly an id of the right kind as a client would send it, so that requests get past routing and validation.
    { weight: 12, arbitrary: kind === 'emoji' ? fc.constantFrom('👍', '❤️', '🎉') : kind ? fc.constantFrom(...REF_KINDS[kind]).map((n) => new Ref(n)) : fc.constant('x') },
    { weight: 16, arbitrary: kind === 'emoji' ? emoji : idValue(kind).filter((v) => looseEncode(stringify(v)).length <= 2048) },
    { weight: 5, arbitrary: rawSegments.map((s) => new RawSegment(s)) },
    { weight: 3, arbitrary: shortHostile },
    { weight: 1, arbitrary: longStrings },
  );
}

export type QueryPlan = { kind: 'pairs'; pairs: [string, unknown][] } | { kind: 'raw'; text: string };

const queryKeysExtra = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__proto__[x]', 'constructor[prototype][x]', 'a[b]', 'limit[]', 'limit[0]', 'q[]', 'cursor[a]', 'x', '', ' ', 'LIMIT', 'userIds[]'];

const rawQueries = fc.constantFrom(
  '%',
  '%00',
  '=',
  '&&&',
  '=&=&=',
  'a=%ZZ',
  'limit=%E0%A4%A',
  'limit=1&limit=2',
  'q=%00',
  'q=%ED%A0%80',
  'limit=1;cursor=x',
  'limit=%2B1',
  `q=${'%41'.repeat(10_000)}`,
  `${'a=1&'.repeat(2000)}a=1`,
  'since=-271821-04-20T00:00:00Z',
  'since=%2B275760-09-13T00:00:00Z',
  'after=2024-02-30&before=9999-12-31T23:59:60Z',
  'userIds=,,,',
  'q=a&q=b&q=c',
  '?',
  '#',
  'cursor=eyJhIjoxfQ',
  'cursor=%7B%22constructor%22%3A1%7D',
);

/** Query parameters, the documented ones with valid-looking and hostile values, plus unknown keys, repeated. */
export function queryPlan(documented: { name: string; sample: fc.Arbitrary<unknown> }[]): fc.Arbitrary<QueryPlan> {
  const key = fc.oneof(
    { weight: documented.length ? 6 : 0, arbitrary: documented.length ? fc.constantFrom(...documented.map((d) => d.name)) : fc.constant('x') },
    { weight: 1, arbitrary: fc.constantFrom(...queryKeysExtra) },
  );
  const byName = new Map(documented.map((d) => [d.name, d.sample]));
  const pair: fc.Arbitrary<[string, unknown]> = key.chain((k) => {
    const sample = byName.get(k);
    const hostile = fc.oneof({ weight: 120, arbitrary: shortHostile }, { weight: 1, arbitrary: longStrings });
    return fc.tuple(fc.constant(k), sample ? fc.oneof({ weight: 1, arbitrary: sample }, { weight: 1, arbitrary: hostile }) : hostile);
  });
  const validPair: fc.Arbitrary<[string, unknown]> = documented.length ? fc.constantFrom(...documented).chain((d) => d.sample.map((v): [string, unknown] => [d.name, v])) : fc.constant(['x', 'x']);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant<QueryPlan>({ kind: 'pairs', pairs: [] }) },
    { weight: documented.length ? 4 : 0, arbitrary: fc.array(validPair, { minLength: 1, maxLength: 3 }).map((pairs) => ({ kind: 'pairs' as const, pairs })) },
    { weight: 8, arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => ({ kind: 'pairs' as const, pairs })) },
    { weight: 1, arbitrary: rawQueries.map((text) => ({ kind: 'raw' as const, text })) },
  );
}

/**
 * encodeURIComponent, but total: a lone surrogate is written as the bytes a sloppy client would
 * send for it (WTF-8) instead of throwing.
 */
export function looseEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += `%${(0xe0 | (c >> 12)).toString(16).toUpperCase()}%${(0x80 | ((c >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (c & 0x3f)).toString(16).toUpperCase()}`;
    } else {
      out += encodeURIComponent(s[i]);
    }
  }
  return out;
}

/** How a generated value goes into a query string or a path segment. */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'symbol') return String(value);
  try {
    return JSON.stringify(value) ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Bodies

/** A JSON-schema object as the OpenAPI document has it (resolved). */
export interface BodySchema {
  properties: Record<string, { type?: string; format?: string; enum?: unknown[]; items?: { type?: string }; example?: unknown; minimum?: number; nullable?: boolean }>;
  required: string[];
}

export type Mutation =
  | { kind: 'valid' }
  | { kind: 'replace'; field: string; value: unknown }
  | { kind: 'literal'; field: string; literal: string }
  | { kind: 'remove'; field: string }
  | { kind: 'add'; key: string; value: unknown }
  | { kind: 'wrap'; field: string; how: 'array' | 'object' | 'unwrap' }
  | { kind: 'whole'; value: unknown };

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'mutate'; base: Record<string, unknown>; mutation: Mutation; contentType?: string }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object'; field: string | null }
  | { kind: 'malformed'; text: string }
  | { kind: 'foreign'; contentType: string | null; form: 'json-text' | 'multipart' | 'urlencoded' | 'xml' | 'gzip-garbage' | 'compress' };

const unknownKeys = fc.oneof(fc.constantFrom(...PROTO_KEYS, 'id', 'role', 'isAdmin', 'actor', 'userId', 'conversationId', 'messageId', 'senderId', 'createdAt', 'version', 'seq', 'password', 'x', ''), fc.string({ maxLength: 12 }));

const malformedBodies = fc.constantFrom(
  '{',
  '}',
  '[',
  '{"a":1,}',
  "{'a':1}",
  '{"a":1}garbage',
  '{"a":1}{"b":2}',
  '{"a" 1}',
  '{a:1}',
  'nul',
  'NaN',
  'Infinity',
  'undefined',
  '"\\ud800"',
  '"\\x00"',
  '{"a":"\\u12"}',
  '{"a":"\u0000"}',
  '\ufeff{}',
  '{"a":01}',
  '{"a":.5}',
  '{"a":+1}',
  '{"a":0x10}',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"a":1,"a":2}',
  ' ',
  '\n\n',
  '1e309',
  '"string"',
  '42',
  'true',
  'null',
  '[]',
  '[{}]',
  '{"":""}',
  `{"a":"${'\\\\'.repeat(5000)}"}`,
  `[${'1,'.repeat(30_000)}1]`,
);

/**
 * A request body for an operation: its documented fields (schema-guided), then one change that
 * makes it hostile; or no body, a deeply nested one, malformed JSON, or a body that is not JSON.
 */
export function bodyPlan(schema: BodySchema | null, base: Record<string, unknown>, fieldValue: (field: string) => fc.Arbitrary<unknown>): fc.Arbitrary<BodyPlan> {
  const fields = schema ? Object.keys(schema.properties) : [];
  const field = fields.length ? fc.constantFrom(...fields) : fc.constant('x');
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'valid' as const }) },
    { weight: fields.length ? 8 : 0, arbitrary: field.chain((f) => fc.oneof(fieldValue(f), hostileValue).map((value) => ({ kind: 'replace' as const, field: f, value }))) },
    { weight: fields.length ? 2 : 0, arbitrary: fc.tuple(field, rawLiteral).map(([f, literal]) => ({ kind: 'literal' as const, field: f, literal })) },
    { weight: fields.length ? 1 : 0, arbitrary: field.map((f) => ({ kind: 'remove' as const, field: f })) },
    { weight: fields.length ? 1 : 0, arbitrary: fc.tuple(field, fc.constantFrom('array' as const, 'object' as const, 'unwrap' as const)).map(([f, how]) => ({ kind: 'wrap' as const, field: f, how })) },
    { weight: 3, arbitrary: fc.tuple(unknownKeys, hostileValue).map(([key, value]) => ({ kind: 'add' as const, key, value })) },
    { weight: 2, arbitrary: hostileValue.map((value) => ({ kind: 'whole' as const, value })) },
  );
  const jsonTypes = fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('application/merge-patch+json', 'APPLICATION/JSON', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json;;;') },
  );
  return fc.oneof(
    { weight: schema ? 1 : 6, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 12, arbitrary: fc.tuple(mutation, jsonTypes).map(([m, contentType]) => ({ kind: 'mutate' as const, base, mutation: m, ...(contentType ? { contentType } : {}) })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.oneof(fc.integer({ min: 17, max: 200 }), fc.constantFrom(20, 1000, 5000, 10_000)), fc.constantFrom('array' as const, 'object' as const), fc.option(field, { nil: null }))
        .map(([depth, shape, f]) => ({ kind: 'deep' as const, depth, shape, field: f })),
    },
    { weight: 1, arbitrary: malformedBodies.map((text) => ({ kind: 'malformed' as const, text })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom('json-text' as const, 'multipart' as const, 'urlencoded' as const, 'xml' as const, 'gzip-garbage' as const, 'compress' as const),
          fc.constantFrom(null, 'text/plain', 'multipart/form-data; boundary=fuzzboundary', 'application/x-www-form-urlencoded', 'application/xml', 'application/octet-stream', 'application/jsonx', 'application/json', 'json', '*/*', 'text/json'),
        )
        .map(([form, contentType]) => ({ kind: 'foreign' as const, contentType, form })),
    },
  );
}

/** Applies a mutation to a copy of the base body (own `__proto__` keys kept as own keys). */
export function applyMutation(base: Record<string, unknown>, m: Mutation): { value: unknown; literal?: { field: string; text: string } } {
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) setOwn(copy, k, v);
  switch (m.kind) {
    case 'valid':
      return { value: copy };
    case 'replace':
      return { value: setOwn(copy, m.field, m.value) };
    case 'literal':
      return { value: setOwn(copy, m.field, LITERAL_MARKER), literal: { field: m.field, text: m.literal } };
    case 'remove':
      delete copy[m.field];
      return { value: copy };
    case 'add':
      return { value: setOwn(copy, m.key, m.value) };
    case 'wrap': {
      const v = copy[m.field];
      return { value: setOwn(copy, m.field, m.how === 'array' ? [v] : m.how === 'object' ? { value: v } : Array.isArray(v) ? v[0] : v) };
    }
    case 'whole':
      return { value: m.value };
  }
}

export const LITERAL_MARKER = 'FUZZ-RAW-LITERAL-8f1d2c';

/** A small multipart/form-data body that is itself well-formed. */
export function multipartBody(fields: Record<string, string>, boundary = 'fuzzboundary'): string {
  const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Socket events

/** Arguments of one emit: none, one payload, or several (the server sees an array). */
export type EmitArgs = unknown[];

export const unknownEventNames = fc.oneof(
  fc.constantFrom(
    'message.sendx',
    'MESSAGE.SEND',
    ' message.send',
    'message.send ',
    'message',
    'messages',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'prototype',
    'error',
    'sync.required',
    'presence',
    'message.created',
    'conversation.created',
    'admin.ban',
    '',
    '\u0000',
    '\ud800',
    '👍',
    '*',
    'a'.repeat(10_000),
  ),
  fc.string({ maxLength: 20 }),
);
