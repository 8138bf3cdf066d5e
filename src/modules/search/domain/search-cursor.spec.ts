import { ErrorCode } from '../../../common/errors/app-error';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor';

const id = '0190c7c0-0000-7000-8000-0000000000a1';
const forge = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

function refusal(cursor: string, sort: 'relevance' | 'recent'): string | undefined {
  try {
    decodeSearchCursor(cursor, sort);
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('search cursor', () => {
  it('round-trips the keyset of either sort', () => {
    const key = { rank: '0.52865434', createdMicros: '1795326165289123', id };
    expect(decodeSearchCursor(encodeSearchCursor('relevance', key), 'relevance')).toEqual(key);
    expect(decodeSearchCursor(encodeSearchCursor('recent', key), 'recent')).toEqual({ createdMicros: key.createdMicros, id });
    expect(decodeSearchCursor(encodeSearchCursor('relevance', { ...key, rank: '9.2345e-21' }), 'relevance').rank).toBe('9.2345e-21');
  });

  it('refuses a cursor of the other sort, and ranks a float4 could not hold', () => {
    const key = { rank: '0.5', createdMicros: '1', id };
    expect(refusal(encodeSearchCursor('relevance', key), 'recent')).toBe(ErrorCode.VALIDATION_FAILED);
    expect(refusal(encodeSearchCursor('recent', key), 'relevance')).toBe(ErrorCode.VALIDATION_FAILED);
    for (const r of ['1e99', '1e-99', '1e+5', '-0.5', 'NaN', 'Infinity', '0.5 ', '12.5', '']) {
      expect(refusal(forge({ s: 'relevance', r, t: '1', i: id }), 'relevance')).toBe(ErrorCode.VALIDATION_FAILED);
    }
  });
});
