import { compileFilter, type FilterableRow } from './filter.js';

const row = (submissionDate: string, extra: Record<string, unknown> = {}): FilterableRow => ({
  __id: 'uuid:1',
  __system: { submissionDate, updatedAt: null, reviewState: null, submitterId: '5', ...extra },
});

describe('compileFilter', () => {
  it('compares submission dates across offsets and date-only literals', () => {
    const f = compileFilter('__system/submissionDate ge 2024-01-01T05:00:00+05:00 and __system/submissionDate lt 2024-01-02');
    expect(f(row('2023-12-31T23:59:59.999Z'))).toBe(false);
    expect(f(row('2024-01-01T00:00:00.000Z'))).toBe(true);
    expect(f(row('2024-01-02T00:00:00.000Z'))).toBe(false);
  });

  it('handles null, strings with quotes, or, not and parentheses', () => {
    expect(compileFilter('__system/updatedAt eq null')(row('2024-01-01T00:00:00Z'))).toBe(true);
    expect(compileFilter('__system/updatedAt lt 2030-01-01T00:00:00Z')(row('2024-01-01T00:00:00Z'))).toBe(false);
    expect(compileFilter("__system/submitterId eq 'o''x' or __id eq 'uuid:1'")(row('2024-01-01T00:00:00Z'))).toBe(true);
    expect(compileFilter("not (__system/reviewState eq 'approved')")(row('2024-01-01T00:00:00Z', { reviewState: 'approved' }))).toBe(false);
  });

  it.each(['', 'year(__system/submissionDate) eq 2024', "vid eq '1'", '__system/submissionDate between 1 2', '__system/submissionDate ge soon', '(__id eq null', '__id eq null and'])(
    'answers 501.1 to %j',
    (text) => {
      expect(() => compileFilter(text)).toThrow(expect.objectContaining({ status: 501, code: 501.1 }));
    },
  );
});
