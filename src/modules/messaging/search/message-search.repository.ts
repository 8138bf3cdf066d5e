import { Injectable } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error';
import { microsKey, microsParam } from '../../../common/pagination/cursor';
import { Db, Row } from '../../../database/db';
import { MessageRow } from '../domain/views';
import { MESSAGE_COLUMNS } from '../repositories/messages.repository';
import { HEADLINE_OPTIONS } from './highlight';
import { lexemeSources, MIN_PREFIX_LENGTH, websearchInput } from './search-text';

/**
 * The SQL of message search. The index is messaging's (a generated column of `messages`), so
 * its statements live here; the search module asks through MessageSearchRepository, and
 * `bench/search.ts` runs the same runSearch(), inside one transaction:
 *
 *  1. PARSE_SQL sets the transaction's statement timeout, parses the search string with
 *     websearch_to_tsquery (the "exact" query) and derives the "prefix" query from it:
 *     each parsed lexeme of at least MIN_PREFIX_LENGTH characters typed outside quotes
 *     (and not a leading part of a joined token, such as ERR in ERR-4312) is replaced,
 *     with ts_rewrite, by the same lexeme with prefix matching. The one-lexeme tsqueries
 *     fed to ts_rewrite are PostgreSQL's own lexemes, quoted as tsquery syntax requires
 *     (quotes doubled, backslashes escaped); the user's text is only ever a bound
 *     parameter of websearch_to_tsquery / to_tsvector. It also lists the caller's
 *     conversations and estimates how many messages they can see.
 *  2. ESTIMATE_SQL asks the planner how many messages match (index statistics, no scan).
 *  3. searchSql() finds the caller's visible messages that match, ranks them, keeps one
 *     page by keyset and builds snippets for that page only. Everything it needs comes
 *     back as parameters (a tsquery's text form round-trips exactly), so it is planned
 *     with constants. For a rare word the GIN index gives few rows and they are checked
 *     against the caller's memberships. For a word frequent across the whole database,
 *     the GIN bitmap is first ANDed with the caller's conversations (the (conversation_id,
 *     seq) index), so the table is read only for matches the caller can see: the work
 *     then follows what the caller can see, not the size of the corpus. By relevance,
 *     the exact query runs first and the prefix query only if exact matches do not fill
 *     the page (see runSearch).
 */
export const PARSE_SQL = `
WITH RECURSIVE parsed AS (
  SELECT websearch_to_tsquery($1::regconfig, $2) AS exact
), candidates AS (
  SELECT row_number() OVER (ORDER BY lexeme) AS n, lexeme
    FROM (SELECT lexeme FROM unnest(tsvector_to_array(to_tsvector($1::regconfig, $3))) AS lexeme
           WHERE char_length(lexeme) >= ${MIN_PREFIX_LENGTH}
          EXCEPT
          SELECT unnest(tsvector_to_array(to_tsvector($1::regconfig, $4)))) AS words
), rewritten (n, query) AS (
  SELECT 0::bigint, exact FROM parsed
  UNION ALL
  SELECT c.n, ts_rewrite(r.query,
                         ('''' || replace(replace(c.lexeme, '\\', '\\\\'), '''', '''''') || '''')::tsquery,
                         ('''' || replace(replace(c.lexeme, '\\', '\\\\'), '''', '''''') || ''':*')::tsquery)
    FROM rewritten r JOIN candidates c ON c.n = r.n + 1
), mine AS (
  -- The caller's conversations (or the one asked for, if it is one of them).
  SELECT me.conversation_id, greatest(c.last_seq - me.joined_seq, 0) AS visible
    FROM conversation_members me JOIN conversations c ON c.id = me.conversation_id
   WHERE me.user_id = $7::uuid AND ($6::uuid IS NULL OR me.conversation_id = $6::uuid)
)
SELECT set_config('statement_timeout', $5, true) AS timeout,
       numnode(p.exact) AS nodes,
       -- A query that an empty message would satisfy (only exclusions) has nothing to look up.
       ''::tsvector @@ p.exact AS needs_no_word,
       p.exact::text AS exact,
       (SELECT query FROM rewritten ORDER BY n DESC LIMIT 1)::text AS prefix,
       ARRAY(SELECT conversation_id FROM mine) AS conversations,
       (SELECT coalesce(sum(visible), 0) FROM mine)::float8 AS visible_estimate,
       (SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass)::float8 AS total_estimate
  FROM parsed p`;

export interface ParsedSearch {
  timeout: string;
  nodes: number;
  needs_no_word: boolean;
  exact: string;
  prefix: string;
  conversations: string[];
  visible_estimate: number;
  total_estimate: number;
}

/** The planner's estimate of the messages matching a tsquery, from the column's statistics. */
export const ESTIMATE_SQL = `EXPLAIN (FORMAT JSON) SELECT 1 FROM messages WHERE search_vector @@ $1::tsquery`;

interface EstimateRow {
  'QUERY PLAN': { Plan: { 'Plan Rows': number } }[];
}

/**
 * Whether to AND the caller's conversations into the index scan. Building that bitmap
 * costs about a tenth of what reading a matching row from the table costs, per visible
 * message; it saves reading the matches in conversations the caller cannot see.
 */
export function restrictToConversations(estimatedMatches: number, visibleEstimate: number, totalEstimate: number): boolean {
  const hiddenShare = totalEstimate > 0 ? Math.max(0, 1 - visibleEstimate / totalEstimate) : 1;
  return estimatedMatches * hiddenShare > 0.1 * visibleEstimate;
}

/** Matches expected among the caller's messages, if matches spread evenly over conversations. */
function expectedVisible(matches: number, parsed: ParsedSearch): number {
  return parsed.total_estimate > 0 ? (matches * parsed.visible_estimate) / parsed.total_estimate : matches;
}

export type SearchSort = 'relevance' | 'recent';

/** The keyset of the last row of a page: rank (relevance only, float4 as PostgreSQL prints it: exact), created_at in µs, id. */
export interface SearchKey {
  rank?: string;
  createdMicros: string;
  id: string;
}

export interface SearchRequest {
  language: string;
  q: string;
  statementTimeoutMs: number;
  userId: string;
  conversationId: string | null;
  senderId: string | null;
  after: Date | null;
  before: Date | null;
  hasAttachment: boolean | null;
  sort: SearchSort;
  key: SearchKey | null;
  limit: number;
}

export interface SearchRow extends MessageRow {
  rank_key: string;
  created_key: string;
  headline: string;
}

/**
 * Messages the caller may see: a membership row, a seq after their join point, not
 * deleted. Rank: 1 if every word matches exactly (deploy, not only deployment), plus
 * ts_rank against the prefix query (length-normalised, scaled to 0..1), halved; a float4
 * in [0, 1). Ties fall back to recency, then id.
 */
export function searchSql(sort: SearchSort, restrict: boolean, match: 'exact' | 'prefix' = 'prefix'): string {
  const order = sort === 'relevance' ? 'rank DESC, created_at DESC, id DESC' : 'created_at DESC, id DESC';
  const after =
    sort === 'relevance'
      ? `(h.rank, h.created_at, h.id) < ($10::real, ${microsParam('$11')}, $12::uuid)`
      : // A recent-sort cursor carries no rank ($10 is always null here).
        `(h.created_at, h.id) < (${microsParam('$11')}, $12::uuid) AND $10::real IS NULL`;
  return `
WITH mine AS (
  SELECT conversation_id, joined_seq FROM conversation_members
   WHERE user_id = $4::uuid AND conversation_id = ANY ($5::uuid[])
), hits AS (
  SELECT x.id, x.conversation_id, x.seq, x.sender_id, x.client_message_id, x.content, x.reply_to_id, x.version,
         x.created_at, x.edited_at, x.deleted_at,
         (((x.search_vector @@ $2::tsquery)::int)::real + ts_rank(x.search_vector, $3::tsquery, 1 | 32)) / 2::real AS rank
    FROM (
      SELECT ${MESSAGE_COLUMNS}, m.search_vector
        FROM messages m
       WHERE m.search_vector @@ ${match === 'exact' ? '$2' : '$3'}::tsquery
         ${restrict ? 'AND m.conversation_id = ANY ($5::uuid[])' : ''}
         AND m.deleted_at IS NULL
         AND ($6::uuid IS NULL OR m.sender_id = $6::uuid)
         -- At the millisecond precision of createdAt, so a message's own createdAt excludes it.
         AND ($7::timestamptz IS NULL OR date_trunc('milliseconds', m.created_at) > $7::timestamptz)
         AND ($8::timestamptz IS NULL OR date_trunc('milliseconds', m.created_at) < $8::timestamptz)
         -- No message has attachments until the attachments module stores them.
         AND $9::boolean IS NOT TRUE
      -- Planned on its own (OFFSET 0 keeps it from being merged into the join): the
      -- matches are read once, by the index scan runSearch() chose, never once per conversation.
      OFFSET 0
    ) x
    JOIN mine ON mine.conversation_id = x.conversation_id AND x.seq > mine.joined_seq
), page AS (
  SELECT h.* FROM hits h
   WHERE $11::bigint IS NULL OR ${after}
   ORDER BY ${order}
   LIMIT $13
)
SELECT p.id, p.conversation_id, p.seq, p.sender_id, p.client_message_id, p.content, p.reply_to_id, p.version,
       p.created_at, p.edited_at, p.deleted_at, p.rank::text AS rank_key, ${microsKey('p.created_at')} AS created_key,
       ts_headline($1::regconfig, translate(parley_search_normalize(p.content), E'\\uE000\\uE001', '__'), $3::tsquery, $14) AS headline
  FROM page p
 ORDER BY ${order}`;
}

/** The parameters of searchSql(), in order. */
export function searchParams(r: SearchRequest, parsed: Pick<ParsedSearch, 'exact' | 'prefix' | 'conversations'>): unknown[] {
  return [
    r.language,
    parsed.exact,
    parsed.prefix,
    r.userId,
    parsed.conversations,
    r.senderId,
    r.after,
    r.before,
    r.hasAttachment,
    r.key?.rank ?? null,
    r.key?.createdMicros ?? null,
    r.key?.id ?? null,
    r.limit + 1,
    HEADLINE_OPTIONS,
  ];
}

/** The parameters of PARSE_SQL, in order. */
export function parseParams(r: SearchRequest): unknown[] {
  const { prefixable, exact } = lexemeSources(r.q);
  return [r.language, websearchInput(r.q), prefixable, exact, `${r.statementTimeoutMs}ms`, r.conversationId, r.userId];
}

/** Runs one statement with bound parameters and returns its rows (a TypeORM manager or a pg client). */
export type RunSql = <T>(sql: string, params: unknown[]) => Promise<T[]>;

/**
 * The whole search, on a connection inside a transaction (the statement timeout is
 * transaction-local). Answers up to limit + 1 rows (the extra one says there is a next
 * page); NOT_FOUND if a conversationId is asked for that the caller is not a member of.
 */
export async function runSearch(run: RunSql, r: SearchRequest): Promise<SearchRow[]> {
  const [parsed] = await run<ParsedSearch>(PARSE_SQL, parseParams(r));
  if (r.conversationId && parsed.conversations.length === 0) throw AppError.notFound('Conversation');
  // Nothing to look for (only stop words or punctuation, or only exclusions), or nowhere to look.
  // An empty message satisfying the query without any OR means only exclusions (`-word`);
  // with an OR (`deploy OR -staging`) there is a positive alternative, so the query runs.
  const onlyExclusions = parsed.needs_no_word && !parsed.exact.includes('|');
  if (parsed.nodes === 0 || onlyExclusions || parsed.conversations.length === 0) return [];
  const [estimate] = await run<EstimateRow>(ESTIMATE_SQL, [parsed.prefix]);
  const matches = estimate['QUERY PLAN'][0].Plan['Plan Rows'];
  const restrict = restrictToConversations(matches, parsed.visible_estimate, parsed.total_estimate);
  const params = searchParams(r, parsed);
  // By relevance, messages matching every word exactly come first (rank >= 0.5, prefix-only
  // matches < 0.5, the same rank in both statements). When they fill the page, the prefix
  // query cannot change it: skip it, and with it the prefix expansion's extra matches.
  // Worth a try only when many matches are expected; otherwise the prefix query is cheap.
  if (r.sort === 'relevance' && parsed.prefix !== parsed.exact && expectedVisible(matches, parsed) >= 10 * (r.limit + 1)) {
    const exactRows = await run<SearchRow>(searchSql(r.sort, restrict, 'exact'), params);
    if (exactRows.length > r.limit) return exactRows;
  }
  return run<SearchRow>(searchSql(r.sort, restrict, 'prefix'), params);
}

/** Runs a search in a transaction of its own (its statement timeout is transaction-local). */
@Injectable()
export class MessageSearchRepository {
  constructor(private readonly db: Db) {}

  search(r: SearchRequest): Promise<SearchRow[]> {
    return this.db.transaction((tx) => runSearch(<T>(sql: string, params: unknown[]) => this.db.rows<T & Row>(sql, params, tx), r));
  }
}
