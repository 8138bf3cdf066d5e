import { AppError } from '../../../../common/errors/app-error';
import { SearchMessagesQuery } from './search-messages.query';

const actor = { userId: '0190c7c0-0000-7000-8000-0000000000a1', role: 'user' as const };

function fields(input: unknown): string[] {
  try {
    SearchMessagesQuery.create(input, { actor });
  } catch (e) {
    if (e instanceof AppError) return (e.details ?? []).map((d) => d.field);
    throw e;
  }
  return [];
}

describe('SearchMessagesQuery', () => {
  it('reads query-string forms: trimmed q, numbers, booleans and times', () => {
    const query = SearchMessagesQuery.create(
      { q: '  deploy  ', limit: '7', hasAttachment: 'false', after: '2026-01-31', before: '2026-02-01T10:00:00', sort: 'recent' },
      { actor },
    );
    expect(query.q).toBe('deploy');
    expect(query.limit).toBe(7);
    expect(query.hasAttachment).toBe(false);
    expect(query.after?.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    // A time without an offset is UTC, whatever the server's zone.
    expect(query.before?.toISOString()).toBe('2026-02-01T10:00:00.000Z');
    expect(SearchMessagesQuery.create({ q: 'x', after: '2026-02-01T10:00:00.5+02:00' }, { actor }).after?.toISOString()).toBe('2026-02-01T08:00:00.500Z');
  });

  it('takes socket payload types as they are', () => {
    const query = SearchMessagesQuery.create({ q: 'x', limit: 50, hasAttachment: true }, { actor });
    expect([query.limit, query.hasAttachment]).toEqual([50, true]);
  });

  it.each([
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ q: ` ${'é'.repeat(200)} ` }, undefined],
    [{ q: '😀'.repeat(200) }, undefined],
    [{ q: 42 }, 'q'],
    [{ q: ['a', 'b'] }, 'q'],
    [{ q: 'x', limit: 51 }, 'limit'],
    [{ q: 'x', limit: '1.5' }, 'limit'],
    [{ q: 'x', after: '2026-W05' }, 'after'],
    [{ q: 'x', after: '2026-02-29' }, 'after'],
    [{ q: 'x', before: '10:00' }, 'before'],
    [{ q: 'x', before: 1700000000000 }, 'before'],
    [{ q: 'x', hasAttachment: 'yes' }, 'hasAttachment'],
    [{ q: 'x', sort: 'rank' }, 'sort'],
    [{ q: 'x', cursor: 'c'.repeat(513) }, 'cursor'],
  ])('%j → %s', (input, field) => {
    expect(fields(input)).toEqual(field ? [field] : []);
  });
});
