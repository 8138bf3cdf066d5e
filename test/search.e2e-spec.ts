import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { prepareDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config/config';
import { dataSourceOptions } from '../src/database/data-source-options';
import { Db } from '../src/database/db';
import { PARSE_SQL, parseParams, ParsedSearch, searchParams, searchSql, SearchRequest } from '../src/modules/messaging/search/message-search.repository';
import { headlineSource } from '../src/modules/messaging/search/search-text';
import { ensureSearchLanguage } from '../src/modules/messaging/search/search-index.repository';
import { bearer, expectError, expectHiddenLikeMissing, expectInvalid, registerUser, RegisteredUser } from './support/factories';
import { startApp, TestApp } from './support/app';
import { connect, emitAck } from './support/socket';
import { ADMIN_DATABASE_URL, databaseUrl, uniqueName } from './support/test-env';

type Res = request.Response;

interface Message {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  content: string | null;
  createdAt: string;
}

interface Hit {
  message: Message & { reactions: { emoji: string; count: number; me: boolean }[] };
  highlight: string;
  rank: number;
}

describe('message search (e2e)', () => {
  let t: TestApp;
  let db: Client;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let carol: RegisteredUser;
  let late: RegisteredUser;
  let team: string;
  let secret: string;
  const m: Record<string, Message> = {};

  const api = () => request(t.url);
  const search = (u: RegisteredUser, query: Record<string, string | number | boolean>, url = t.url): Promise<Res> =>
    request(url).get('/v1/search/messages').query(query).set(...bearer(u.accessToken));
  /** Hits of a successful search. */
  async function hits(u: RegisteredUser, query: Record<string, string | number | boolean>): Promise<Hit[]> {
    const res = await search(u, query);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
    return res.body.items;
  }
  /** Ids found in the team conversation, as a set of fixture names. */
  async function found(q: string, extra: Record<string, string | number | boolean> = {}): Promise<string[]> {
    const items = await hits(alice, { q, conversationId: team, limit: 50, ...extra });
    const names = new Map(Object.entries(m).map(([name, msg]) => [msg.id, name]));
    return items.map((h) => names.get(h.message.id) ?? h.message.id).sort();
  }

  async function group(owner: RegisteredUser, members: RegisteredUser[]): Promise<string> {
    const res = await api().post('/v1/conversations').set(...bearer(owner.accessToken)).send({ name: 'search', memberIds: members.map((u) => u.id) });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  async function send(u: RegisteredUser, conversationId: string, content: string): Promise<Message> {
    const res = await api()
      .post(`/v1/conversations/${conversationId}/messages`)
      .set(...bearer(u.accessToken))
      .send({ content, clientMessageId: randomUUID() });
    expect(res.status).toBe(201);
    return res.body;
  }

  const FIXTURES: [string, string][] = [
    ['deployment', 'The deployment of the billing service failed last night'],
    ['deployHotfix', 'deploy the hotfix to production now'],
    ['coffee', 'Coffee break?'],
    ['releaseNotes', 'Release notes are ready for review'],
    ['notesRelease', 'notes about the release are ready'],
    ['rollback', 'rollback completed on staging'],
    ['deployStaging', 'deploy staging first, then production'],
    ['script', '<script>alert("x")</script> deploy & <b>escape</b>'],
    ['url', 'See https://git.example.com/ops/runbook-v2.html for the steps'],
    ['file', 'Attached report_2024_final.pdf and the logs'],
    ['snake', 'calling set_user_quota in billing_service module'],
    ['kebab', 'the feature-flag-service is flaky'],
    ['email', 'mail ada.lovelace@example.com about it'],
    ['number', 'Invoice 123456 was paid'],
    ['code', 'Error ERR-4312: database timeout'],
    ['unicode', 'café crème naïve 日本語'],
    ['sentinel', 'trick \uE000marker\uE001 text'],
  ];

  beforeAll(async () => {
    t = await startApp();
    db = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
    await db.connect();
    [alice, bob, carol, late] = await Promise.all([1, 2, 3, 4].map(() => registerUser(t.url)));
    team = await group(alice, [bob]);
    secret = await group(carol, [bob]);
    for (const [name, content] of FIXTURES) m[name] = await send(alice, team, content);
    m.fromBob = await send(bob, team, 'deploy checklist from bob');
    m.edited = await send(alice, team, 'original wording zebra');
    await api().patch(`/v1/messages/${m.edited.id}`).set(...bearer(alice.accessToken)).send({ content: 'current wording giraffe' }).expect(200);
    m.deleted = await send(alice, team, 'secret platypus plans');
    await api().delete(`/v1/messages/${m.deleted.id}`).set(...bearer(alice.accessToken)).expect(204);
    m.hidden = await send(carol, secret, 'deploy the secret narwhal');
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  describe('operators', () => {
    it('requires every word', async () => {
      expect(await found('deploy production')).toEqual(['deployHotfix', 'deployStaging']);
    });

    it('matches "exact phrase" only with the words next to each other, in order, and exactly', async () => {
      expect(await found('"release notes"')).toEqual(['releaseNotes']);
      expect(await found('release notes')).toEqual(['notesRelease', 'releaseNotes']);
      // Quoted words are exact: "deploy" does not find "deployment".
      expect(await found('"deploy" billing')).toEqual([]);
      expect(await found('deploy billing')).toEqual(['deployment']);
    });

    it('OR finds either; -word excludes', async () => {
      expect(await found('rollback OR coffee')).toEqual(['coffee', 'rollback']);
      expect(await found('deploy -staging -bob')).toEqual(['deployHotfix', 'deployment', 'script']);
      // An OR with an exclusion is a positive alternative, not "exclusions only".
      const either = await found('coffee OR -deploy');
      expect(either).toContain('coffee');
      expect(either).not.toContain('deployment');
      expect(either.length).toBeGreaterThan(1);
    });

    it('answers an empty page for a query with nothing to look up (punctuation only, exclusions only)', async () => {
      for (const q of ['!!!', '&|!:*()', '-deploy', '"" -- ""']) {
        const res = await search(alice, { q });
        expect({ q, status: res.status, body: res.body }).toEqual({ q, status: 200, body: { items: [], nextCursor: null } });
      }
    });
  });

  describe('partial words and technical tokens', () => {
    it.each([
      ['deploy', 'deployment'],
      ['dep', 'deployment'],
      ['runbook', 'url'],
      ['git.example.com', 'url'],
      ['ops/runbook-v2', 'url'],
      ['https://git.example.com/ops/runbook-v2.html', 'url'],
      ['report_2024_final.pdf', 'file'],
      ['final.pdf', 'file'],
      ['2024', 'file'],
      ['set_user_quota', 'snake'],
      ['user_quota', 'snake'],
      ['quota', 'snake'],
      ['feature-flag-service', 'kebab'],
      ['flag', 'kebab'],
      ['ada.lovelace@example.com', 'email'],
      ['lovelace', 'email'],
      ['123456', 'number'],
      ['ERR-4312', 'code'],
      ['err-4312', 'code'],
      ['4312', 'code'],
      ['CAFÉ', 'unicode'],
      ['naïve', 'unicode'],
    ])('%s finds the %s message', async (q, name) => {
      expect(await found(q)).toContain(name);
    });

    it('keeps words apart: a two-letter word is not a prefix, a token is not found by an unrelated one', async () => {
      expect(await found('de')).toEqual([]);
      expect(await found('ERR-4313')).toEqual([]);
      expect(await found('runbook-v3')).toEqual([]);
    });
  });

  describe('highlights', () => {
    it('escapes the message text; <mark> is the only markup', async () => {
      const [hit] = await hits(alice, { q: 'alert', conversationId: team });
      expect(hit.message.id).toBe(m.script.id);
      expect(hit.message.content).toBe('<script>alert("x")</script> deploy & <b>escape</b>');
      expect(hit.highlight).toBe('&lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt; deploy &amp; &lt;b&gt;escape&lt;/b&gt;');
    });

    it('marks prefix matches and technical tokens in place, with the original punctuation', async () => {
      expect((await hits(alice, { q: 'deploy billing', conversationId: team }))[0].highlight).toBe(
        'The <mark>deployment</mark> of the <mark>billing</mark> service failed last night',
      );
      expect((await hits(alice, { q: 'runbook', conversationId: team }))[0].highlight).toBe(
        'See https://git.example.com/ops/<mark>runbook</mark>-v2.html for the steps',
      );
      expect((await hits(alice, { q: 'ERR-4312', conversationId: team }))[0].highlight).toBe('Error <mark>ERR-4312</mark>: database timeout');
    });

    it('treats marker-like characters in a message as text', async () => {
      const [hit] = await hits(alice, { q: 'trick', conversationId: team });
      expect(hit.highlight).toBe('<mark>trick</mark> \uE000marker\uE001 text');
    });

    it('cuts long messages to a snippet around the match with … at the cuts', async () => {
      const g = await group(alice, [bob]);
      const filler = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');
      await send(alice, g, `${filler(60)} the <armadillo> appears here ${filler(60)}`);
      const [hit] = await hits(alice, { q: 'armadillo', conversationId: g });
      expect(hit.highlight).toMatch(/^….*<mark>armadillo<\/mark>&gt; appears here word0 .*word\d+…$/s);
      expect(hit.highlight.replace(/<\/?mark>/g, '')).not.toMatch(/[<>]/);
      expect(hit.highlight.split(' ').length).toBeLessThan(40);
    });

    it('builds snippets from the same normalised text the index uses', async () => {
      const all = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('') + '\uE000\uE001é';
      const { rows } = await db.query(`SELECT translate(parley_search_normalize($1), E'\\uE000\\uE001', '__') AS n`, [all]);
      expect(rows[0].n).toBe(headlineSource(all));
    });
  });

  describe('ranking and sort', () => {
    let g: string;
    const ids: Record<string, string> = {};
    beforeAll(async () => {
      g = await group(alice, [bob]);
      ids.first = (await send(alice, g, 'wombat')).id;
      ids.prefixOnly = (await send(alice, g, 'wombatish thing')).id;
      ids.third = (await send(alice, g, 'wombat')).id;
    });

    it('ranks exact matches above prefix matches, ties newest first; sort=recent is newest first', async () => {
      const byRank = await hits(alice, { q: 'wombat', conversationId: g });
      expect(byRank.map((h) => h.message.id)).toEqual([ids.third, ids.first, ids.prefixOnly]);
      expect(byRank[0].rank).toBe(byRank[1].rank);
      expect(byRank[1].rank).toBeGreaterThan(byRank[2].rank);
      for (const h of byRank) expect(h.rank).toBeGreaterThan(0);
      for (const h of byRank) expect(h.rank).toBeLessThan(1);
      const recent = await hits(alice, { q: 'wombat', conversationId: g, sort: 'recent' });
      expect(recent.map((h) => h.message.id)).toEqual([ids.third, ids.prefixOnly, ids.first]);
    });

    it('returns each message exactly as the messages endpoints do (reactions with me)', async () => {
      await api().put(`/v1/messages/${ids.first}/reactions/${encodeURIComponent('👍')}`).set(...bearer(bob.accessToken)).expect(204);
      const hit = (await hits(alice, { q: 'wombat', conversationId: g })).find((h) => h.message.id === ids.first);
      const direct = await api().get(`/v1/messages/${ids.first}`).set(...bearer(alice.accessToken)).expect(200);
      expect(hit?.message).toEqual(direct.body);
      expect(hit?.message.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    });
  });

  describe('filters', () => {
    it('senderId, after, before, hasAttachment, conversationId', async () => {
      expect(await found('deploy', { senderId: bob.id })).toEqual(['fromBob']);
      expect(await found('deploy', { after: m.script.createdAt })).toEqual(['fromBob']);
      expect(await found('deploy', { before: m.deployHotfix.createdAt })).toEqual(['deployment']);
      expect(await found('deploy', { after: m.deployment.createdAt, before: m.script.createdAt })).toEqual(['deployHotfix', 'deployStaging']);
      expect(await found('deploy', { hasAttachment: true })).toEqual([]);
      expect(await found('deploy', { hasAttachment: false })).toEqual(await found('deploy'));
      expect(await found('deploy', { after: '2000-01-01' })).toEqual(await found('deploy'));
      const everywhere = await hits(alice, { q: 'wombat OR deploy', limit: 50 });
      expect(new Set(everywhere.map((h) => h.message.conversationId)).size).toBeGreaterThan(1);
    });
  });

  describe('only what the caller may see', () => {
    it("never shows a conversation the caller is not in; filtering by it is 404 like a missing one", async () => {
      expect(await hits(alice, { q: 'narwhal' })).toEqual([]);
      expect((await hits(bob, { q: 'narwhal' })).map((h) => h.message.id)).toEqual([m.hidden.id]);
      expectHiddenLikeMissing(await search(alice, { q: 'narwhal', conversationId: secret }), await search(alice, { q: 'narwhal', conversationId: randomUUID() }));
    });

    it('shows a late joiner nothing from before their join point', async () => {
      const g = await group(alice, [bob]);
      await send(alice, g, 'capybara before the join');
      await api().post(`/v1/conversations/${g}/members`).set(...bearer(alice.accessToken)).send({ userIds: [late.id] }).expect(200);
      expect(await hits(late, { q: 'capybara' })).toEqual([]);
      expect(await hits(late, { q: 'capybara', conversationId: g })).toEqual([]);
      const after = await send(bob, g, 'capybara after the join');
      expect((await hits(late, { q: 'capybara' })).map((h) => h.message.id)).toEqual([after.id]);
      expect((await hits(alice, { q: 'capybara' })).length).toBe(2);
    });

    it('never finds deleted messages; finds edited ones by their current text only', async () => {
      expect(await found('platypus')).toEqual([]);
      expect(await found('zebra')).toEqual([]);
      expect(await found('giraffe')).toEqual(['edited']);
      const [hit] = await hits(alice, { q: 'giraffe', conversationId: team });
      expect(hit.message.content).toBe('current wording giraffe');
      expect(hit.highlight).toBe('current wording <mark>giraffe</mark>');
    });
  });

  describe('pagination', () => {
    /** A conversation of 23 matches: ranks that tie (same text) and ranks that differ (longer texts, prefix-only matches). */
    async function pangolins(): Promise<string> {
      const g = await group(alice, [bob]);
      const texts = Array.from({ length: 23 }, (_, i) => (i % 3 === 0 ? 'pangolin' : i % 3 === 1 ? `pangolin ${'filler '.repeat(i)}` : `pangolins ${i}`));
      for (const text of texts) await send(alice, g, text);
      return g;
    }

    it.each(['relevance', 'recent'])('walks every match once, in the one-page order, with sort=%s', async (sort) => {
      const g = await pangolins();
      const all = await hits(alice, { q: 'pangolin', conversationId: g, sort, limit: 50 });
      expect(all).toHaveLength(23);
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      let newcomer = '';
      do {
        const res: Res = await search(alice, { q: 'pangolin', conversationId: g, sort, limit: 5, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        walked.push(...res.body.items.map((h: Hit) => h.message.id));
        cursor = res.body.nextCursor;
        pages += 1;
        // A message arriving between pages does not shift the pages after it (it may show up in a later page).
        if (pages === 2) newcomer = (await send(bob, g, 'pangolin newcomer')).id;
      } while (cursor);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked.filter((id) => id !== newcomer)).toEqual(all.map((h) => h.message.id));
    });

    it('refuses a cursor that does not decode, is forged, or belongs to the other sort', async () => {
      const first = await search(alice, { q: 'deploy', conversationId: team, limit: 2 });
      const cursor: string = first.body.nextCursor;
      const forge = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      for (const bad of [
        'garbage',
        forge({ ...decoded, r: '1e99' }),
        forge({ ...decoded, r: '1e-99' }),
        forge({ ...decoded, r: "0'; DROP TABLE messages; --" }),
        forge({ ...decoded, t: '-1' }),
        forge({ ...decoded, i: 'x' }),
        forge([1]),
      ]) {
        expectInvalid(await search(alice, { q: 'pangolin', cursor: bad }), 'cursor');
      }
      expectInvalid(await search(alice, { q: 'pangolin', cursor, sort: 'recent' }), 'cursor');
    });
  });

  describe('plan variants', () => {
    // Which statement runs depends on index statistics (see runSearch): every variant must give the same page.
    async function page(q: string, sort: 'relevance' | 'recent', restrict: boolean, match: 'exact' | 'prefix', limit: number): Promise<string[]> {
      const r: SearchRequest = {
        language: 'simple', q, statementTimeoutMs: 2000, userId: alice.id, conversationId: team, senderId: null,
        after: null, before: null, hasAttachment: null, sort, key: null, limit,
      };
      const [parsed] = (await db.query(PARSE_SQL, parseParams(r))).rows as ParsedSearch[];
      const rows = (await db.query(searchSql(sort, restrict, match), searchParams(r, parsed))).rows as { id: string; rank_key: string }[];
      return rows.map((row) => `${row.id}@${row.rank_key}`);
    }

    it('gives the same rows whether or not the conversations are ANDed into the index scan', async () => {
      for (const sort of ['relevance', 'recent'] as const) {
        for (const q of ['deploy', 'deploy -staging', '"release notes" OR runbook']) {
          expect(await page(q, sort, true, 'prefix', 50)).toEqual(await page(q, sort, false, 'prefix', 50));
        }
      }
    });

    it('exact matches, when they fill a page, are that page of the prefix query (same rows, same ranks)', async () => {
      const exact = await page('deploy', 'relevance', false, 'exact', 2);
      expect(exact).toHaveLength(3);
      expect(exact).toEqual(await page('deploy', 'relevance', false, 'prefix', 2));
      expect(exact).toEqual(await page('deploy', 'relevance', true, 'exact', 2));
      // The prefix-only match (deployment) ranks below every exact one.
      const all = await page('deploy', 'relevance', false, 'prefix', 50);
      expect(all[all.length - 1]).toMatch(new RegExp(`^${m.deployment.id}@`));
    });
  });

  describe('input limits', () => {
    it.each([
      [{}, 'q'],
      [{ q: '' }, 'q'],
      [{ q: '   ' }, 'q'],
      [{ q: 'x'.repeat(201) }, 'q'],
      [{ q: 'a\u0000b' }, 'q'],
      [{ q: 'deploy', limit: 51 }, 'limit'],
      [{ q: 'deploy', limit: 0 }, 'limit'],
      [{ q: 'deploy', limit: 'ten' }, 'limit'],
      [{ q: 'deploy', conversationId: 'nope' }, 'conversationId'],
      [{ q: 'deploy', senderId: 'nope' }, 'senderId'],
      [{ q: 'deploy', after: 'yesterday' }, 'after'],
      [{ q: 'deploy', before: '2026-02-30' }, 'before'],
      [{ q: 'deploy', hasAttachment: 'maybe' }, 'hasAttachment'],
      [{ q: 'deploy', sort: 'oldest' }, 'sort'],
      [{ q: 'deploy', page: 2 }, 'page'],
    ])('refuses %j naming %s', async (query, field) => {
      expectInvalid(await search(alice, query), field);
    });

    it('accepts q of 200 characters after trimming, and asks for a token', async () => {
      expect((await search(alice, { q: `  ${'y'.repeat(200)}  ` })).status).toBe(200);
      expectError(await api().get('/v1/search/messages?q=deploy'), 401, 'UNAUTHENTICATED');
    });

    it('never fails on hostile input', async () => {
      const printable = Array.from({ length: 200 }, () => String.fromCharCode(33 + (randomBytes(1)[0] % 94))).join('');
      const inputs = [
        '"', '""', '"unclosed phrase', "'", "''", '\\', "\\'", '\\\\"', '&|!:*()', 'deploy & (billing | !x)', ':*', "'a':*",
        'a <-> b', '<2>', '-', '--deploy', '- -', 'OR', 'or OR or', 'deploy OR', 'OR deploy', '!deploy', '(deploy',
        "'); DROP TABLE messages; --", '%_%', 'a\t\nb\r', '😀 deploy 👍🏽', 'שלום עולם', 'e\u0301', '日本語', '\uE000\uE001',
        'x'.repeat(200), 'ab-'.repeat(66), printable, printable.replace(/"/g, ''),
      ];
      const results = await Promise.all(inputs.map(async (q) => ({ q, res: await search(alice, { q }) })));
      for (const { q, res } of results) {
        expect({ q, status: res.status }).toEqual({ q, status: 200 });
        expect(Array.isArray(res.body.items)).toBe(true);
      }
    });
  });

  describe('over Socket.IO', () => {
    let socket: Socket;
    afterAll(() => socket?.close());

    it('messages.search acks the same page as REST, and validation errors in the ack', async () => {
      socket = await connect(t.url, { token: alice.accessToken });
      const ack = await emitAck<{ items: Hit[]; nextCursor: string | null }>(socket, 'messages.search', { q: 'runbook', conversationId: team, limit: 5 });
      const rest = await search(alice, { q: 'runbook', conversationId: team, limit: 5 });
      expect(ack).toEqual({ ok: true, data: rest.body });
      expect(ack.data?.items.map((h) => h.message.id)).toEqual([m.url.id]);

      const bad = await emitAck(socket, 'messages.search', { q: '  ', limit: 500 });
      expect(bad.ok).toBe(false);
      expect(bad.error?.code).toBe('VALIDATION_FAILED');
      expect(bad.error?.details?.map((d) => d.field).sort()).toEqual(['limit', 'q']);
      const hidden = await emitAck(socket, 'messages.search', { q: 'narwhal', conversationId: secret });
      expect(hidden).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Conversation not found', requestId: expect.any(String) } });
      // Text that is not valid Unicode (a lone surrogate) is refused in the envelope, as over REST.
      const lone = await emitAck(socket, 'messages.search', { q: '\ud800 deploy' });
      expect(lone).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/Unicode/), details: [{ field: 'q', message: expect.any(String) }], requestId: expect.any(String) } });
    });
  });

  describe('statement timeout', () => {
    it('answers 503 UNAVAILABLE when a search runs past SEARCH_STATEMENT_TIMEOUT_MS, and the connection is reusable', async () => {
      const slow = await startApp({ SEARCH_STATEMENT_TIMEOUT_MS: '100' });
      const locker = new Client({ connectionString: process.env.PARLEY_TEST_DATABASE_URL });
      await locker.connect();
      try {
        // Waiting for a lock counts towards statement_timeout: hold one the search needs.
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
        const started = Date.now();
        const res = await search(alice, { q: 'deploy' }, slow.url);
        await locker.query('ROLLBACK');
        expectError(res, 503, 'UNAVAILABLE');
        expect(Date.now() - started).toBeLessThan(2000);
        expect((await search(alice, { q: 'deploy' }, slow.url)).status).toBe(200);
      } finally {
        await locker.end();
        await slow.close();
      }
    });
  });

  describe('search language', () => {
    it('refuses a language the index was not built for, or one the database does not know', async () => {
      const ds = new DataSource({ ...dataSourceOptions(t.config), extra: { max: 1 } });
      await ds.initialize();
      try {
        await expect(ensureSearchLanguage(new Db(ds), 'english', true)).rejects.toThrow(/indexed for "simple".*parley_search_set_language\('english'\)/s);
        await expect(ensureSearchLanguage(new Db(ds), 'klingon', true)).rejects.toThrow(/"klingon" is not a text search configuration.*english/);
        await expect(ensureSearchLanguage(new Db(ds), 'simple', true)).resolves.toBe('unchanged');
      } finally {
        await ds.destroy();
      }
    });

    it('builds the index for SEARCH_LANGUAGE on a new database, and then stems words', async () => {
      const name = uniqueName('parley_search_lang_test');
      const url = databaseUrl(name);
      await prepareDatabase(loadConfig({ DATABASE_URL: url }));
      const en = await startApp({ DATABASE_URL: url, SEARCH_LANGUAGE: 'english' });
      try {
        const [u, v] = await Promise.all([registerUser(en.url), registerUser(en.url)]);
        const res = await request(en.url).post('/v1/conversations').set(...bearer(u.accessToken)).send({ name: 'en', memberIds: [v.id] });
        const sent = await request(en.url)
          .post(`/v1/conversations/${res.body.id}/messages`)
          .set(...bearer(u.accessToken))
          .send({ content: 'The deployments were rolled back', clientMessageId: randomUUID() });
        for (const q of ['deploying', 'deployed', 'roll']) {
          const found = await search(u, { q }, en.url);
          expect({ q, ids: found.body.items.map((h: Hit) => h.message.id) }).toEqual({ q, ids: [sent.body.id] });
        }
        // English stop words alone leave nothing to look up.
        expect((await search(u, { q: 'the were' }, en.url)).body).toEqual({ items: [], nextCursor: null });
      } finally {
        await en.close();
        const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await admin.end();
      }
    });
  });
});
