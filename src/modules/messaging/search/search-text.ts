/**
 * How a search string and a message's text become words.
 *
 * Messages are indexed through `parley_search_normalize(content)` (see the Search
 * migration): every ASCII punctuation character becomes "_", a separator for
 * PostgreSQL's parser. `ERR-4312` is indexed as err·4312, `deploy_service.ts` as
 * deploy·service·ts, `https://git.example.com/ops/runbook` as
 * https·git·example·com·ops·runbook, each word in its position.
 *
 * A search string goes through the same translation before `websearch_to_tsquery`, so
 * `ERR-4312` or `example.com` becomes the phrase of its parts and finds them wherever
 * they stand (inside a URL, an e-mail address, a file name). Only what
 * websearch_to_tsquery reads as an operator survives: `"` (phrases) and a `-` that
 * starts a word (exclusion). `OR` is a word. Nothing here builds tsquery syntax.
 */

/** The ASCII punctuation characters, exactly as the migration's parley_search_normalize() lists them. */
export const ASCII_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Private-use characters that ts_headline puts around matched words (see highlight.ts). */
export const MARK_START = '\uE000';
export const MARK_STOP = '\uE001';

/** Words shorter than this match exactly; longer ones also match as a prefix (deploy → deployment). */
export const MIN_PREFIX_LENGTH = 3;

/** The search string as websearch_to_tsquery must read it: punctuation inside or around words becomes a separator. */
export function websearchInput(q: string): string {
  return q.replace(PUNCTUATION, (ch: string, offset: number, s: string) => {
    if (ch === '"') return ch;
    if (ch === '-' && (offset === 0 || /[\s"]/.test(s[offset - 1]))) return ch;
    return '_';
  });
}

export interface LexemeSources {
  /** Words that may also match as prefixes: outside quotes, alone or the last part of a joined token. */
  prefixable: string;
  /** Words that match exactly: inside quotes ("exact phrase"), and the leading parts of a joined token (ERR in ERR-4312). */
  exact: string;
}

/**
 * Splits the search string the way websearch_to_tsquery reads quotes (a `"` opens a
 * phrase that runs to the next `"` or to the end), with all punctuation blanked. Only
 * used to decide which words get prefix matching; a disagreement with PostgreSQL's
 * reading could only make a word exact or prefix, never change what else matches.
 */
export function lexemeSources(q: string): LexemeSources {
  const prefixable: string[] = [];
  const exact: string[] = [];
  q.split('"').forEach((segment, i) => {
    const quoted = i % 2 === 1;
    for (const token of segment.split(/\s+/)) {
      const parts = token.split(PUNCTUATION).filter(Boolean);
      const last = quoted ? undefined : parts.pop();
      exact.push(...parts);
      if (last) prefixable.push(last);
    }
  });
  return { prefixable: prefixable.join(' ').trim(), exact: exact.join(' ').trim() };
}

/**
 * The text ts_headline works on: the indexed form of the content (same words, so the
 * same matches) with the marker characters blanked, one character for one, so that a
 * snippet's offsets are the original content's offsets.
 */
export function headlineSource(content: string): string {
  return content.replace(/[!-/:-@[-`{-~\uE000\uE001]/g, '_');
}
