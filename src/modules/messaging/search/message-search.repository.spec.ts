import { ErrorCode } from '../../../common/errors/app-error';
import { appErrorOf } from '../../../common/errors/app-error.testing';
import { ESTIMATE_SQL, PARSE_SQL, ParsedSearch, restrictToConversations, RunSql, runSearch, SearchRequest } from './message-search.repository';

const request: SearchRequest = {
  language: 'simple',
  q: 'deploy',
  statementTimeoutMs: 2000,
  userId: '0190c7c0-0000-7000-8000-0000000000a1',
  conversationId: null,
  senderId: null,
  after: null,
  before: null,
  hasAttachment: null,
  sort: 'relevance',
  key: null,
  limit: 2,
};

const parsed = (over: Partial<ParsedSearch> = {}): ParsedSearch => ({
  timeout: '2000ms',
  nodes: 1,
  needs_no_word: false,
  exact: "'deploy'",
  prefix: "'deploy':*",
  conversations: ['0190c7c0-0000-7000-8000-0000000000c1'],
  visible_estimate: 1000,
  total_estimate: 10000,
  ...over,
});

/** A fake connection: answers PARSE_SQL, ESTIMATE_SQL and the search statements, and records what ran. */
function fake(p: ParsedSearch, matches: number, exactRows: number, prefixRows: number) {
  const ran: string[] = [];
  const answer = (sql: string): unknown[] => {
    if (sql === PARSE_SQL) return [p];
    if (sql === ESTIMATE_SQL) return [{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': matches } }] }];
    const kind = sql.includes('@@ $2::tsquery\n') ? 'exact' : 'prefix';
    ran.push(`${kind}${sql.includes('AND m.conversation_id = ANY') ? '+restricted' : ''}`);
    return Array.from({ length: kind === 'exact' ? exactRows : prefixRows }, (_, i) => ({ id: String(i) }));
  };
  const run = ((sql: string) => Promise.resolve(answer(sql))) as RunSql;
  return { run, ran };
}

describe('runSearch', () => {
  it('answers NOT_FOUND for a conversation the caller is not in, and nothing for an empty query', async () => {
    const hidden = fake(parsed({ conversations: [] }), 0, 0, 0);
    expect((await appErrorOf(runSearch(hidden.run, { ...request, conversationId: '0190c7c0-0000-7000-8000-0000000000c9' }))).code).toBe(ErrorCode.NOT_FOUND);
    for (const p of [parsed({ nodes: 0 }), parsed({ needs_no_word: true }), parsed({ conversations: [] })]) {
      const f = fake(p, 10, 5, 5);
      expect(await runSearch(f.run, request)).toEqual([]);
      expect(f.ran).toEqual([]);
    }
  });

  it('runs only the prefix query when few matches are expected', async () => {
    const f = fake(parsed(), 100, 9, 3);
    expect(await runSearch(f.run, request)).toHaveLength(3);
    expect(f.ran).toEqual(['prefix']);
  });

  it('by relevance with many matches, tries exact matches first and keeps them when they fill the page', async () => {
    const full = fake(parsed(), 5000, 3, 3);
    expect(await runSearch(full.run, request)).toHaveLength(3);
    expect(full.ran).toEqual(['exact+restricted']);
    const short = fake(parsed(), 5000, 2, 3);
    await runSearch(short.run, request);
    expect(short.ran).toEqual(['exact+restricted', 'prefix+restricted']);
    const recent = fake(parsed(), 5000, 3, 3);
    await runSearch(recent.run, { ...request, sort: 'recent' });
    expect(recent.ran).toEqual(['prefix+restricted']);
    const quoted = fake(parsed({ prefix: "'deploy'" }), 5000, 3, 3);
    await runSearch(quoted.run, request);
    expect(quoted.ran).toEqual(['prefix+restricted']);
  });
});

describe('restrictToConversations', () => {
  it('ANDs the caller’s conversations in when the matches they cannot see outweigh their own messages', () => {
    expect(restrictToConversations(20_000, 100_000, 1_000_000)).toBe(true);
    expect(restrictToConversations(5_000, 100_000, 1_000_000)).toBe(false);
    // A caller who sees everything gains nothing from it.
    expect(restrictToConversations(500_000, 1_000_000, 1_000_000)).toBe(false);
    // Statistics not gathered yet: reltuples is -1.
    expect(restrictToConversations(20_000, 100_000, -1)).toBe(true);
  });
});
