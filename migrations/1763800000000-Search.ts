import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over messages.
 *
 * `messages.search_vector` is a stored generated column: the current content with every
 * ASCII punctuation character turned into "_" (a separator for PostgreSQL's parser), so
 * URLs, e-mail addresses, file names, snake_case / kebab-case identifiers, versions and
 * codes such as ERR-4312 are indexed as the words they are made of, in order (a query
 * for `example.com` or `ERR-4312` becomes the phrase of its parts). Deleted messages have
 * no content and so an empty vector; edits recompute it, so only the current text is found.
 *
 * The text search configuration (language) is a constant of the column's expression.
 * This migration builds it with `simple` (works for every language, no stemming);
 * `parley_search_set_language(cfg)` rebuilds the column and its index for another one.
 * The API applies SEARCH_LANGUAGE by itself while `messages` is still empty and refuses
 * to start on a mismatch otherwise (see the search module and the README).
 */
export class Search1763800000000 implements MigrationInterface {
  name = 'Search1763800000000';

  public async up(q: QueryRunner): Promise<void> {
    // One character for one: a snippet cut from the normalised text maps back to the same offsets of the original.
    await q.query(`
      CREATE FUNCTION parley_search_normalize(content text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT translate(coalesce(content, ''), '!"#$%&''()*+,-./:;<=>?@[\\]^_\`{|}~', '________________________________') $$`);
    await q.query(`
      CREATE FUNCTION parley_search_set_language(cfg regconfig) RETURNS void
        LANGUAGE plpgsql
        AS $$
        BEGIN
          -- Rewrites messages and rebuilds the index: writes to messages wait until it is done.
          ALTER TABLE messages DROP COLUMN IF EXISTS search_vector;
          EXECUTE format(
            'ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector(%L::regconfig, parley_search_normalize(content))) STORED',
            cfg);
          CREATE INDEX messages_search_vector_idx ON messages USING gin (search_vector);
        END
        $$`);
    await q.query(`SELECT parley_search_set_language('simple')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN search_vector`);
    await q.query(`DROP FUNCTION parley_search_set_language(regconfig)`);
    await q.query(`DROP FUNCTION parley_search_normalize(text)`);
  }
}
