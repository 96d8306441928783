// The summary reporter's lines for suites skipped by requires() (@mts/testing), and its CI failure.
import { skippedTitle } from '@mts/testing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SummaryReporter = require('../jest/summary-reporter.cjs');

const pg = { requirement: 'postgres' as const, ok: false, label: 'PostgreSQL', hint: 'start PostgreSQL at 127.0.0.1:5432 (apt-get install postgresql; or set MTS_TEST_PG_URL)' };
const jq = { requirement: 'jq' as const, ok: false, label: 'jq', hint: 'install jq (apt-get install jq; or set JQ_BIN)' };

const test = (status: string, ancestorTitles: string[]) => ({ status, ancestorTitles, title: 't' });
const results = {
  numPassedTests: 5,
  numFailedTests: 0,
  numRuntimeErrorTestSuites: 0,
  numPendingTests: 5,
  numTodoTests: 0,
  testResults: [
    { testFilePath: '/w/a.test.ts', testResults: [test('passed', ['x']), test('pending', [skippedTitle('queue', pg)]), test('pending', [skippedTitle('queue', pg), 'inner'])] },
    { testFilePath: '/w/b.test.ts', testResults: [test('pending', [skippedTitle('parity', pg)]), test('pending', ['plain skip'])] },
    { testFilePath: '/w/c.test.ts', testResults: [test('pending', ['outer', skippedTitle('corpus', jq), 'case'])] },
  ],
};

function report(env: Record<string, string>): { out: string; error: Error | undefined } {
  const chunks: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
  try {
    const reporter = new SummaryReporter({}, {}, {}, env);
    reporter.onRunComplete(new Set(), results);
    return { out: chunks.join(''), error: reporter.getLastError() };
  } finally {
    write.mockRestore();
  }
}

describe('summary reporter', () => {
  it('prints one line per missing tool, counting suites, and the summary line', () => {
    const { out, error } = report({});
    expect(out.trim().split('\n')).toEqual([
      `skipped 2 PostgreSQL suites: ${pg.hint}`,
      `skipped 1 jq suite: ${jq.hint}`,
      '5 passed, 0 failed, 5 skipped',
    ]);
    expect(error).toBeUndefined();
  });

  it('fails the run under CI, where every tool is installed', () => {
    const { out, error } = report({ CI: 'true' });
    expect(out).toContain(`skipped 2 PostgreSQL suites: ${pg.hint}`);
    expect(out).toMatch(/CI: 3 suites were skipped for a missing tool/);
    expect(out).toMatch(/^5 passed, 3 failed, 5 skipped$/m);
    expect(error).toBeInstanceOf(Error);
  });

  it('says nothing more when nothing was skipped for a tool', () => {
    const quiet = { ...results, testResults: [results.testResults[0]!].map((f) => ({ ...f, testResults: [f.testResults[0]!] })) };
    const chunks: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (chunks.push(String(chunk)), true));
    const reporter = new SummaryReporter({}, {}, {}, { CI: 'true' });
    reporter.onRunComplete(new Set(), quiet);
    write.mockRestore();
    expect(chunks.join('').trim()).toBe('5 passed, 0 failed, 5 skipped');
    expect(reporter.getLastError()).toBeUndefined();
  });
});
