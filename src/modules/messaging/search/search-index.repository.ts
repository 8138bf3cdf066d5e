import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../../config/config';
import { Db, Tx } from '../../../database/db';

/** Any constant works; it only has to be the same for every Parley process. */
const LANGUAGE_LOCK_KEY = 7_316_240_552;

export class SearchLanguageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SearchLanguageError';
  }
}

/** The text search configuration messages.search_vector was built with, read from the column's own expression. */
export async function indexedLanguage(db: Db, tx?: Tx): Promise<string | null> {
  const rows = await db.rows<{ expr: string }>(
    `SELECT pg_get_expr(d.adbin, d.adrelid) AS expr
       FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = 'messages'::regclass AND a.attname = 'search_vector' AND NOT a.attisdropped`,
    [],
    tx,
  );
  const match = rows[0] ? /to_tsvector\('([^']+)'::regconfig/.exec(rows[0].expr) : null;
  return match ? match[1] : null;
}

/**
 * SEARCH_LANGUAGE must name a text search configuration of the database and be the one
 * the index was built with: a query parsed with one language cannot find words stemmed
 * with another. While `messages` is empty (a new deployment) and the process may change
 * the schema (MIGRATIONS_RUN), the index is rebuilt for the configured language here;
 * otherwise a mismatch stops the process with what to do, rather than answer wrong results.
 */
export async function ensureSearchLanguage(db: Db, language: string, mayChangeSchema: boolean): Promise<'unchanged' | 'rebuilt'> {
  const known = await db.rows<{ cfgname: string }>(`SELECT cfgname FROM pg_ts_config WHERE cfgname = $1 AND pg_ts_config_is_visible(oid)`, [language]);
  if (known.length === 0) {
    const all = await db.rows<{ cfgname: string }>(`SELECT cfgname FROM pg_ts_config WHERE pg_ts_config_is_visible(oid) ORDER BY 1`);
    throw new SearchLanguageError(
      `SEARCH_LANGUAGE "${language}" is not a text search configuration of this database; choose one of: ${all.map((r) => r.cfgname).join(', ')}`,
    );
  }
  const built = await indexedLanguage(db);
  if (built === null) throw new SearchLanguageError('messages.search_vector is missing: run the migrations (npm run migration:run)');
  if (built === language) return 'unchanged';
  if (mayChangeSchema) {
    const rebuilt = await db.transaction(async (tx) => {
      await db.rows('SELECT pg_advisory_xact_lock($1)', [LANGUAGE_LOCK_KEY], tx);
      // Another process may have rebuilt it while this one waited for the lock.
      if ((await indexedLanguage(db, tx)) === language) return true;
      const state = await db.one<{ has_messages: boolean }>(`SELECT EXISTS (SELECT 1 FROM messages) AS has_messages`, [], tx);
      if (state?.has_messages) return false;
      await db.rows('SELECT parley_search_set_language($1::regconfig)', [language], tx);
      return true;
    });
    if (rebuilt) return 'rebuilt';
  }
  throw new SearchLanguageError(
    `SEARCH_LANGUAGE is "${language}" but message search is indexed for "${built}". Either set SEARCH_LANGUAGE=${built}, or rebuild ` +
      `the index with: SELECT parley_search_set_language('${language}'); (psql, as the schema owner; it rewrites the messages ` +
      `table and writes to it wait until it is done), then start again.`,
  );
}

/** Runs the check once the API's database connection is up; a failure stops the boot. */
@Injectable()
export class SearchLanguageCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(SearchLanguageCheck.name);

  constructor(
    private readonly db: Db,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const outcome = await ensureSearchLanguage(this.db, this.config.search.language, this.config.database.migrationsRun);
    if (outcome === 'rebuilt') this.logger.log(`Message search index rebuilt for SEARCH_LANGUAGE=${this.config.search.language}`);
  }
}
