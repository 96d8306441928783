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
      expect(failure('last(range(0; 1; 1e-300))').code).toBe('JQ_BUDGET');
    });
    it('stops runaway recursion', () => {
      expect(failure('def f: f + 1; f').code).toBe('JQ_BUDGET');
      expect(failure('[recurse(. + 1)]', 0).code).toBe('JQ_BUDGET');
    });
    it('stops exponential growth of values', () => {
      expect(failure('reduce range(60) as $i ([0]; . + .)').code).toBe('JQ_BUDGET');
      expect(failure('"x" * 1e12').code).toBe('JQ_BUDGET');
    });
    it('charges every element and key built, not only the loop that builds them', () => {
      expect(failure('[range(300000) | (1, 1, 1, 1, 1, 1, 1, 1, 1, 1)]').code).toBe('JQ_BUDGET');
      expect(failure('[range(200000) | {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6}]').code).toBe('JQ_BUDGET');
      expect(failure('[range(100000) | tostring] | join(",") as $s | [range(100) | $s | @base64] | length').code).toBe('JQ_BUDGET');
      expect(failure('[limit(100; repeat("x" * 100000))] | @csv | length').code).toBe('JQ_BUDGET');
      expect(failure('("x" * 100000) as $s | [range(20) | [$s, $s] | join(",")] | length').code).toBe('JQ_BUDGET');
      expect(failure('("x" * 100000) as $s | [range(20) | "\\($s)\\($s)"] | length').code).toBe('JQ_BUDGET');
      expect(failure('("x" * 100000) as $s | [range(20) | $s | explode] | length').code).toBe('JQ_BUDGET');
      expect(failure('[range(1000) | tostring | {(.): 1}] | add as $o | [range(500) | $o | to_entries] | length').code).toBe('JQ_BUDGET');
    });
    it('still runs ordinary work on large values within the default budget', () => {
      expect(compileJq('[range(10000)] | tojson | length')(null)).toEqual([48891]);
      expect(compileJq('[range(5000) | tostring] | join(",") | split(",") | length')(null)).toEqual([5000]);
      expect(compileJq('[range(2000) | {key: tostring, value: .}] | from_entries | keys | length')(null)).toEqual([2000]);
      expect(compileJq('. as $r | [range(1000) | $r] | length')({ input: { vid: '1'.repeat(10) } })).toEqual([1000]);
    });
    it('charges the size of the result handed back, so shared structure cannot reach the caller', () => {
      const shared = 'reduce range(40) as $i ([0]; [., .])';
      expect(failure(shared).code).toBe('JQ_BUDGET');
      expect(() => compileJqFirst(shared)(null)).toThrow(expect.objectContaining({ code: 'JQ_BUDGET' }));
      expect(() => compileJqFirst('first(reduce range(40) as $i ([0]; [., .]), 1)')(null)).toThrow(expect.objectContaining({ code: 'JQ_BUDGET' }));
      expect(failure('reduce range(600) as $i (0; [.])').message).toMatch(/nests deeper/);
      expect(compileJq('reduce range(15) as $i ([0]; [., .]) | flatten | length')(null)).toEqual([32768]);
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

  it('runs regexes on RE2, refusing what it cannot match in linear time', () => {
    expect(compileJq('test("(a+)+$"), test("(a|aa)*b")')('aaaa')).toEqual([true, false]);
    expect(compileJq('test("^[0-9]{4}-[0-9]{2}$")')('2024-01')).toEqual([true]);
    expect(compileJq('[match("(?<y>[0-9]+)-(x)?"; "g") | [.offset, .length, (.captures | map([.offset, .string, .name]))]]')('é😀 12- 3-x')).toEqual([[
      [3, 3, [[3, '12', 'y'], [-1, null, null]]],
      [7, 3, [[7, '3', 'y'], [9, 'x', null]]],
    ]]);
    for (const [pattern, message] of [['(a)\\\\1', /backreferences/], ['a(?=b)', /lookahead/], ['(?<!a)b', /lookbehind/], ['(?>a)', /atomic/], ['a(', /invalid/]] as const) {
      const e = failure(`test("${pattern}")`, 'ab');
      expect([e.code, e.message]).toEqual(['JQ_RUNTIME', expect.stringMatching(message)]);
    }
  });

  describe('jq 1.6 behaviour', () => {
    it('runs until and while for many iterations, in jq\'s output order', () => {
      expect(compileJq('until(. >= 20000; . + 1)')(0)).toEqual([20000]);
      expect(compileJq('[while(. < 20000; . + 1)] | length')(0)).toEqual([20000]);
      expect(compileJq('[until(. >= 3; . + 1, . + 2)], [while(. < 3; . + 1, . + 2)]')(0)).toEqual([[3, 4, 3, 3, 4], [0, 1, 2, 2]]);
      expect(failure('until(false; .)', 0).code).toBe('JQ_BUDGET');
    });
    it('yields nothing from range with a step of 0', () => {
      expect(compileJq('[range(0; 3; 0)], [range(3; 0; 0)]')(null)).toEqual([[], []]);
    });
    it('deletes a path given twice once', () => {
      expect(compileJq('delpaths([[0], [0]]), del(.[0], .[0])')([1, 2, 3])).toEqual([[2, 3], [2, 3]]);
    });
    it('orders NaN below every number', () => {
      expect(compileJq('[nan < 1, 1 > nan, nan > 1, ([1, nan] | min), ([nan, 1] | max), ([3, nan, 1] | sort)]')(null)).toEqual([[true, true, false, NaN, 1, [NaN, 1, 3]]]);
    });
    it('escapes DEL in JSON text', () => {
      expect(compileJq('@json, tojson, "\\(.)"')(['\u007f'])).toEqual(['["\\u007f"]', '["\\u007f"]', '["\\u007f"]']);
    });
    it('matches $ at the end of the string', () => {
      expect(compileJq('gsub("$"; "!"), sub("$"; "!"), test("$"), [match("$"; "g") | .offset]')('ab')).toEqual(['ab!', 'ab!', true, [2, 2]]);
    });
    it('defines IN/2', () => {
      expect(compileJq('IN(.[]; 2, 3), IN(.[]; 5)')([1, 2])).toEqual([true, false]);
    });
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
