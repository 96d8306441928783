import { compileJq, compileJqFirst } from './compile-jq.js';
import { JqError } from './errors.js';

function failure(expr: string, input: unknown = null, options = {}): JqError {
  const run = compileJq(expr, options);
  try { run(input); } catch (e) { return e as JqError; }
  throw new Error(`expected ${expr} to fail`);
}

describe('compileJq', () => {
  it('yields every output in order', () => {
    expect(compileJq('.[] | select(. % 2 == 1) | . * 10')([1, 2, 3])).toEqual([10, 30]);
  });

  it('supports if without else (jq 1.7)', () => {
    expect(compileJq('[.[] | if . > 1 then "big" end]')([1, 2])).toEqual([[1, 'big']]);
  });

  it('lets try catch only errors of its own body, not of later stages', () => {
    expect(failure('(try .a) | error("later")', {}).code).toBe('JQ_RUNTIME');
    expect(compileJq('[.[] | try error("x") catch "caught"]')([1, 2])).toEqual([['caught', 'caught']]);
  });

  it('reports compile errors with positions, and unknown functions', () => {
    expect(() => compileJq('.a | ')).toThrow(expect.objectContaining({ code: 'JQ_PARSE' }));
    expect(() => compileJq('frobnicate(1)')).toThrow(/frobnicate\/1 is not defined/);
  });

  it('rejects pathological expressions at compile time', () => {
    expect(() => compileJq('('.repeat(20_000) + '.' + ')'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'JQ_PARSE' }));
    expect(() => compileJq('.a' + ' | .a'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'JQ_PARSE' }));
  });

  it('keeps inherited properties out of reach', () => {
    expect(compileJq('.constructor, .__proto__, .toString')({})).toEqual([null, null, null]);
    const o = compileJq('{"__proto__": 1} | keys')(null);
    expect(o).toEqual([['__proto__']]);
  });

  describe('budget', () => {
    it('stops unbounded generators', () => {
      expect(failure('[range(1e12)]').code).toBe('JQ_BUDGET');
      expect(failure('[repeat(1)]').code).toBe('JQ_BUDGET');
      expect(failure('last(range(0; 1; 0))').code).toBe('JQ_BUDGET');
    });
    it('stops runaway recursion', () => {
      expect(failure('def f: f + 1; f').code).toBe('JQ_BUDGET');
      expect(failure('[recurse(. + 1)]', 0).code).toBe('JQ_BUDGET');
    });
    it('stops exponential growth of values', () => {
      expect(failure('reduce range(60) as $i ([0]; . + .)').code).toBe('JQ_BUDGET');
      expect(failure('"x" * 1e12').code).toBe('JQ_BUDGET');
    });
    it('is not caught by try or ?', () => {
      expect(failure('try [range(1e12)] catch "swallowed"').code).toBe('JQ_BUDGET');
      expect(failure('[range(1e12)]?').code).toBe('JQ_BUDGET');
    });
    it('is per evaluation and configurable', () => {
      const run = compileJq('[range(.)] | length', { maxSteps: 100 });
      expect(run(50)).toEqual([50]);
      expect(run(50)).toEqual([50]);
      expect(() => run(500)).toThrow(expect.objectContaining({ code: 'JQ_BUDGET' }));
    });
  });

  it('refuses regexes that can backtrack without bound', () => {
    expect(failure('test("(a+)+$")', 'aaaa').code).toBe('JQ_RUNTIME');
    expect(failure('test("(a|aa)*b")', 'aaaa').code).toBe('JQ_RUNTIME');
    expect(failure('test("(a)\\\\1")', 'aa').code).toBe('JQ_RUNTIME');
    expect(compileJq('test("^[0-9]{4}-[0-9]{2}$")')('2024-01')).toEqual([true]);
  });
});

describe('compileJqFirst', () => {
  it('returns the first output and stops the expression there', () => {
    expect(compileJqFirst('.[] | select(. > 1)')([1, 2, 3])).toBe(2);
    // A generator the budget would stop if it ran past its first output.
    expect(compileJqFirst('range(1e12)', { maxSteps: 100 })(null)).toBe(0);
  });

  it('returns undefined when there is no output', () => {
    expect(compileJqFirst('empty')(null)).toBeUndefined();
    expect(compileJqFirst('.[] | select(. > 9)')([1, 2])).toBeUndefined();
  });

  it('evaluates single-valued expressions per input, with the budget of each', () => {
    const run = compileJqFirst('[range(.)] | length', { maxSteps: 100 });
    expect(run(50)).toBe(50);
    expect(() => run(500)).toThrow(expect.objectContaining({ code: 'JQ_BUDGET' }));
    expect(() => compileJqFirst('.a + 1')({ a: 'x' })).toThrow(expect.objectContaining({ code: 'JQ_RUNTIME' }));
  });
});

describe('JqError', () => {
  it('is an Error with a stable code, never retryable', () => {
    const e = failure('.a | tonumber', { a: 'x' });
    expect(e).toBeInstanceOf(JqError);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.retryable]).toEqual(['JqError', 'JQ_RUNTIME', false]);
    expect(e.message).not.toContain('"x"');
  });
});
