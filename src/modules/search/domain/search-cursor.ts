import { CURSOR_MICROS, CURSOR_UUID, decodeCursor, encodeCursor } from '../../../common/pagination/cursor';
import type { SearchKey, SearchSort } from '../../messaging';

/**
 * A float4 as PostgreSQL prints it (shortest text that reads back to the same value),
 * limited to what a rank can be so that the cast back can neither overflow nor underflow.
 */
const CURSOR_RANK = /^\d(\.\d{1,9})?(e-(?:0?[1-9]|[12]\d|3[0-7]))?$/;

/** Keyset of the last row, tagged with its sort: a cursor is only valid for the sort that made it. */
export function encodeSearchCursor(sort: SearchSort, key: SearchKey): string {
  return encodeCursor(sort === 'relevance' ? { s: sort, r: key.rank ?? '0', t: key.createdMicros, i: key.id } : { s: sort, t: key.createdMicros, i: key.id });
}

export function decodeSearchCursor(cursor: string, sort: SearchSort): SearchKey {
  if (sort === 'relevance') {
    const c = decodeCursor(cursor, { s: /^relevance$/, r: CURSOR_RANK, t: CURSOR_MICROS, i: CURSOR_UUID });
    return { rank: c.r, createdMicros: c.t, id: c.i };
  }
  const c = decodeCursor(cursor, { s: /^recent$/, t: CURSOR_MICROS, i: CURSOR_UUID });
  return { createdMicros: c.t, id: c.i };
}
