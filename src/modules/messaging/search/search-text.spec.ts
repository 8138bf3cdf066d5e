import { ASCII_PUNCTUATION, headlineSource, lexemeSources, websearchInput } from './search-text';

describe('search text', () => {
  it('lists every ASCII punctuation character once', () => {
    const expected = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
      .filter((c) => !/[A-Za-z0-9]/.test(c))
      .join('');
    expect(ASCII_PUNCTUATION).toBe(expected);
  });

  it('joins the parts of technical tokens for websearch_to_tsquery, keeping its operators', () => {
    expect(websearchInput('ERR-4312 ada.lovelace@example.com')).toBe('ERR_4312 ada_lovelace_example_com');
    expect(websearchInput('https://x.io/a-b?c=d')).toBe('https___x_io_a_b_c_d');
    expect(websearchInput('deploy -staging "release notes" OR -"old stuff"')).toBe('deploy -staging "release notes" OR -"old stuff"');
    expect(websearchInput("&|!:*() 'a':* \\")).toBe("_______ _a___ _");
    expect(websearchInput('-x --y')).toBe('-x -_y');
  });

  it('tells prefixable words from exact ones: quoted words and leading parts of joined tokens are exact', () => {
    expect(lexemeSources('deploy "release notes" ERR-4312 -staging')).toEqual({ prefixable: 'deploy 4312 staging', exact: 'release notes ERR' });
    expect(lexemeSources('git.example.com "unclosed phrase')).toEqual({ prefixable: 'com', exact: 'git example unclosed phrase' });
    expect(lexemeSources('"a-b" c')).toEqual({ prefixable: 'c', exact: 'a b' });
    expect(lexemeSources('!!! ""')).toEqual({ prefixable: '', exact: '' });
  });

  it('blanks punctuation and the marker characters one for one', () => {
    const text = 'a<b>\uE000c\uE001 é 😀 x_y';
    expect(headlineSource(text)).toBe('a_b__c_ é 😀 x_y');
    expect(headlineSource(text)).toHaveLength(text.length);
  });
});
