import { containsJson, jsonPath, selectionFilter } from './filters.js';

describe('containsJson (jsonb @> semantics)', () => {
  it.each([
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }, true],
    [{ a: 1 }, { a: '1' }, false],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ tags: ['x', 'y', 'z'] }, { tags: ['z', 'x'] }, true],
    [{ tags: ['x'] }, { tags: ['q'] }, false],
    [[{ id: 1, v: 2 }, { id: 3 }], [{ id: 1 }], true],
    [{ a: null }, { a: null }, true],
    [{}, { a: null }, false],
    ['s', 's', true],
    [{ a: [1] }, { a: {} }, false],
  ])('%j contains %j → %s', (actual, expected, result) => {
    expect(containsJson(actual, expected)).toBe(result);
  });
});

describe('filters', () => {
  it('builds quoted JSON paths and refuses keys it cannot quote', () => {
    expect(jsonPath(['a', 'b.c'])).toBe('$."a"."b.c"');
    expect(jsonPath(['a"'])).toBeUndefined();
  });

  it('selects nothing without criteria and binds every value', () => {
    expect(selectionFilter({})).toBeNull();
    expect(selectionFilter({ ids: [] })).toBeNull();
    const f = selectionFilter({ names: ["x'; DROP TABLE t; --"], data: { flag: true } });
    expect(f?.conditions.join(' ')).not.toContain('DROP');
    expect(f?.params).toEqual([JSON.stringify(["x'; DROP TABLE t; --"]), '$."flag"', 1]);
  });
});
