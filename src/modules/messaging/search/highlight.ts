import { headlineSource, MARK_START, MARK_STOP } from './search-text';

/** The only markup a highlight contains. */
export const HIGHLIGHT_OPEN = '<mark>';
export const HIGHLIGHT_CLOSE = '</mark>';
/** Put before or after a snippet that does not reach the start or the end of the message. */
export const ELLIPSIS = '…';

/** ts_headline options: one contiguous snippet of 12–30 words around the best match. */
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=0`;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

/**
 * Turns ts_headline's output into a snippet that is safe to render.
 *
 * ts_headline ran on headlineSource(content) (the content with punctuation and the two
 * marker characters blanked one for one) with private-use markers around matched words.
 * The snippet is found back in that text, so its offsets are the content's own; the
 * original characters at those offsets are HTML-escaped and `<mark>`/`</mark>` are put
 * around the marked ranges. The content can never produce markup: its characters are
 * only ever escaped, and the markers are placed by offset, not found in the text.
 */
export function toHighlight(content: string, headline: string): string {
  const ranges: [number, number][] = [];
  let plain = '';
  let open = -1;
  for (const ch of headline) {
    if (ch === MARK_START) open = plain.length;
    else if (ch === MARK_STOP) {
      if (open >= 0 && plain.length > open) ranges.push([open, plain.length]);
      open = -1;
    } else plain += ch;
  }
  const start = headlineSource(content).indexOf(plain);
  if (plain.length === 0 || start < 0) return fallback(content);
  const end = start + plain.length;
  // "ERR-4312" reads better as one mark than as ERR and 4312 marked apart.
  const merged: [number, number][] = [];
  for (const [a, b] of ranges) {
    const last = merged[merged.length - 1];
    if (last && /^[!-/:-@[-`{-~]+$/.test(content.slice(start + last[1], start + a))) last[1] = b;
    else merged.push([a, b]);
  }
  let out = content.slice(0, start).trim() ? ELLIPSIS : '';
  let at = 0;
  for (const [a, b] of merged) {
    out += escapeHtml(content.slice(start + at, start + a)) + HIGHLIGHT_OPEN + escapeHtml(content.slice(start + a, start + b)) + HIGHLIGHT_CLOSE;
    at = b;
  }
  out += escapeHtml(content.slice(start + at, end));
  if (content.slice(end).trim()) out += ELLIPSIS;
  return out;
}

/** The start of the message, escaped, without marks (only if the snippet cannot be placed). */
function fallback(content: string): string {
  const words = content.split(/(\s+)/).slice(0, 59).join('');
  return escapeHtml(words) + (words.length < content.length ? ELLIPSIS : '');
}
