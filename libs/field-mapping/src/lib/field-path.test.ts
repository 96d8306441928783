import { compileFieldPath, lookupPath, parseFieldPath } from './field-path.js';

describe('parseFieldPath', () => {
  it.each([
    ['vid', ['vid']],
    ['a.b', ['a', 'b']],
    ['c[0].d', ['c', 0, 'd']],
    ['c[-1]', ['c', -1]],
    ['"first-name"', ['first-name']],
    ['["first name"]', ['first name']],
    ['a."b c".d', ['a', 'b c', 'd']],
    ['a["x\\"y"][2]', ['a', 'x"y', 2]],
    ['[3]', [3]],
    ['_id9', ['_id9']],
  ])('parses %s', (path, expected) => {
    expect(parseFieldPath(path)).toEqual(expected);
  });

  it.each(['first name', 'first-name', '', 'a.', 'a..b', '.a', 'a[b]', 'a[1', '"open', 'a[0]x', '9lives', 'env.HOME | x', '$ENV.KEY'])(
    'rejects %j',
    (path) => {
      expect(parseFieldPath(path)).toBeNull();
    },
  );

  it('takes a string that is not a path as one literal key', () => {
    expect(compileFieldPath('First Name')).toEqual(['First Name']);
    expect(compileFieldPath('$ENV.KEY')).toEqual(['$ENV.KEY']);
  });
});

describe('lookupPath', () => {
  const record = { a: { b: 'x' }, c: [{ d: 1 }, { d: 2 }], s: 'str', n: null };

  it('reads nested keys and indexes', () => {
    expect(lookupPath(record, ['a', 'b'])).toBe('x');
    expect(lookupPath(record, ['c', 1, 'd'])).toBe(2);
    expect(lookupPath(record, ['c', -2, 'd'])).toBe(1);
  });

  it('is undefined for anything that does not resolve', () => {
    expect(lookupPath(record, ['missing'])).toBeUndefined();
    expect(lookupPath(record, ['s', 'x'])).toBeUndefined();
    expect(lookupPath(record, ['a', 0])).toBeUndefined();
    expect(lookupPath(record, ['c', 'd'])).toBeUndefined();
    expect(lookupPath(record, ['c', 5, 'd'])).toBeUndefined();
    expect(lookupPath(record, ['c', -9])).toBeUndefined();
    expect(lookupPath(record, ['n', 'x'])).toBeUndefined();
    expect(lookupPath('text', ['vid'])).toBeUndefined();
  });

  it('never reaches prototypes', () => {
    expect(lookupPath({}, ['constructor'])).toBeUndefined();
    expect(lookupPath({}, ['__proto__'])).toBeUndefined();
    expect(lookupPath([], ['length'])).toBeUndefined();
  });
});
