import { escapeHtml, toHighlight } from './highlight';
import { headlineSource, MARK_START as S, MARK_STOP as E } from './search-text';

/** What ts_headline would answer: a stretch of headlineSource(content) with markers around matched words. */
function headline(content: string, from: number, to: number, marked: [number, number][]): string {
  const text = headlineSource(content);
  let out = '';
  let at = from;
  for (const [a, b] of marked) {
    out += text.slice(at, a) + S + text.slice(a, b) + E;
    at = b;
  }
  return out + text.slice(at, to);
}

describe('toHighlight', () => {
  it('escapes the text and marks the matched words, with the original punctuation back', () => {
    const content = '<script>alert("x")</script> & deploy';
    const h = headline(content, 0, content.length, [[8, 13], [30, 36]]);
    expect(toHighlight(content, h)).toBe('&lt;script&gt;<mark>alert</mark>(&quot;x&quot;)&lt;/script&gt; &amp; <mark>deploy</mark>');
  });

  it('marks a joined token as one, and leaves the rest of a URL as it was', () => {
    const content = 'Error ERR-4312 in https://x.io/ops/runbook-v2';
    expect(toHighlight(content, headline(content, 0, content.length, [[6, 9], [10, 14]]))).toBe('Error <mark>ERR-4312</mark> in https://x.io/ops/runbook-v2');
    expect(toHighlight(content, headline(content, 0, content.length, [[35, 42]]))).toBe('Error ERR-4312 in https://x.io/ops/<mark>runbook</mark>-v2');
  });

  it('puts … where the snippet cuts the message', () => {
    const content = 'one two three four five';
    expect(toHighlight(content, headline(content, 4, 13, [[8, 13]]))).toBe('…two <mark>three</mark>…');
    expect(toHighlight(`  ${content}  `, headline(`  ${content}  `, 2, 25, []))).toBe('one two three four five');
  });

  it('never turns characters of the message into markup, marker characters included', () => {
    const content = `x ${S}<b>${E} y`;
    const h = headline(content, 0, content.length, [[0, 1]]);
    expect(toHighlight(content, h)).toBe(`<mark>x</mark> ${S}&lt;b&gt;${E} y`);
  });

  it('keeps UTF-16 offsets right around astral characters', () => {
    const content = '😀 café 👍🏽 deploy';
    const at = content.indexOf('deploy');
    expect(toHighlight(content, headline(content, 0, content.length, [[at, at + 6]]))).toBe('😀 café 👍🏽 <mark>deploy</mark>');
  });

  it('falls back to the escaped start of the message if the snippet cannot be placed', () => {
    expect(toHighlight('a < b', 'something else')).toBe('a &lt; b');
    expect(toHighlight('a < b', '')).toBe('a &lt; b');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
