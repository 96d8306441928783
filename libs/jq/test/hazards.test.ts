/**
 * Expressions that, without their guard, hang the process or run it out of memory: each batch runs in a child
 * process with a small heap and a kill timer, so a regression fails here instead of hanging or crashing the suite.
 * The assertions are on outcomes (outputs, JQ_ codes), never on time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

type Outcome = { expr: string; out?: unknown[]; code?: string };

function runIsolated(cases: [string, unknown][]): Outcome[] {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', join(__dirname, 'fixtures', 'run-jq.cjs')], {
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  const lines: Outcome[] = (r.stdout ?? '').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  // On a hang or crash, the cases that finished say how far it got; the next one is the culprit.
  expect({ signal: r.signal, status: r.status, done: lines.length }).toEqual({ signal: null, status: 0, done: cases.length });
  return lines;
}

describe('size budget: values built by doubling stop with JQ_BUDGET, in bounded memory', () => {
  it.each([
    'reduce range(40) as $i ("x"; [., .] | @csv)',
    'reduce range(40) as $i ("x"; [., .] | @tsv)',
    'reduce range(40) as $i ("x"; [., .] | @sh)',
    'reduce range(40) as $i ("x"; [., .] | @json)',
    'reduce range(40) as $i ("x"; [., .] | @html)',
    'reduce range(40) as $i ("x"; [., .] | join(","))',
    'reduce range(40) as $i ("x"; "\\(.)\\(.)")',
    'reduce range(40) as $i ("x"; [., .] | tojson)',
    'reduce range(30) as $i ([0]; [., .]) | tojson | length',
    'reduce range(30) as $i ([0]; [., .]) | "\\(.)" | length',
    'reduce range(30) as $i ([0]; [., .]) | tostring | length',
    'reduce range(30) as $i ({a: 0}; {a: ., b: .}) | (. * .) | "x"',
    'reduce range(40) as $i ([0]; [., .]) as $a | reduce range(40) as $i ([0]; [., .]) | . == $a',
    // Returned as is: 80 steps to build, 2^40 leaves for whoever serialises it.
    'reduce range(40) as $i ([0]; [., .])',
    'reduce range(25) as $i ({a: 0}; {a: ., b: .})',
  ])('%s', (expr) => {
    expect(runIsolated([[expr, null]])).toEqual([{ expr, code: 'JQ_BUDGET' }]);
  });
});

describe('regexes run in linear time', () => {
  it('answers patterns that backtrack polynomially or exponentially in a JS regex', () => {
    const a200 = 'a'.repeat(200);
    const outcomes = runIsolated([
      ['test("a*a*a*a*c")', a200],
      ['test(".*.*.*x")', a200],
      ['test("\\\\s*\\\\s*\\\\s*$")', ' '.repeat(5000) + 'x'],
      ['"a" * 10000 | test("a*a*a*a*a*a*c")', null],
      ['"a" * 5000 + "b" | test("(a+)+$")', null],
      ['"a" * 5000 | test("(a|aa)*c")', null],
      ['"a" * 5000 | [match("(a+)+b"; "g")] | length', null],
    ]);
    expect(outcomes.map((o) => o.out)).toEqual([[false], [false], [true], [false], [false], [false], [0]]);
  });

  it('parses numbers without backtracking over a long run of digits (a value from the data)', () => {
    const expr = 'try tonumber catch "no"';
    expect(runIsolated([[expr, '1'.repeat(500_000) + 'x']])).toEqual([{ expr, out: ['no'] }]);
  });

  it('charges each search by what it may scan, so a quadratic global match stops with JQ_BUDGET', () => {
    const [outcome] = runIsolated([['"a" * 10000 | [match("a.*b|a"; "g")] | length', null]]);
    expect(outcome.code).toBe('JQ_BUDGET');
  });
});
