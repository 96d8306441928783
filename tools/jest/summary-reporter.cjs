// Prints the plain "N passed, N failed" line that CI reads (Jest's own summary is not in that form), and one line per
// missing tool for the suites `requires()` (@mts/testing) skipped, e.g.
//   skipped 2 PostgreSQL suites: start PostgreSQL at 127.0.0.1:5432 (apt-get install postgresql; or set MTS_TEST_PG_URL)
// Under CI (CI=true; .ci/run installs every tool) such a skip is a failure: it counts as failed and fails the run.
const MARKER = / \[needs ([^:\]]+): ([^\]]+)\]$/;

const isCi = (env) => !!env.CI && env.CI !== 'false' && env.CI !== '0';

/** { label → { hint, suites } } from the skipped tests' suite titles; a suite is a marked describe in one file. */
function skippedRequirements(results) {
  const byLabel = new Map();
  for (const file of results.testResults) {
    for (const test of file.testResults) {
      if (test.status !== 'pending') continue;
      const titles = test.ancestorTitles ?? [];
      const index = titles.findIndex((t) => MARKER.test(t));
      if (index < 0) continue;
      const [, label, hint] = titles[index].match(MARKER);
      const entry = byLabel.get(label) ?? { hint, suites: new Set() };
      entry.suites.add(`${file.testFilePath}\u0000${titles.slice(0, index + 1).join('\u0000')}`);
      byLabel.set(label, entry);
    }
  }
  return byLabel;
}

class SummaryReporter {
  constructor(_globalConfig, _options, _context, env = process.env) {
    this.env = env;
    this.error = undefined;
  }

  onRunComplete(_contexts, results) {
    const skipped = skippedRequirements(results);
    const ci = isCi(this.env);
    const lines = [...skipped].map(([label, { hint, suites }]) => `skipped ${suites.size} ${label} suite${suites.size === 1 ? '' : 's'}: ${hint}`);
    const skippedSuites = [...skipped.values()].reduce((n, e) => n + e.suites.size, 0);
    if (ci && skippedSuites) {
      lines.push(`CI: ${skippedSuites} suite${skippedSuites === 1 ? ' was' : 's were'} skipped for a missing tool; .ci/run installs and starts them all`);
      this.error = new Error(`${skippedSuites} suites skipped under CI`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites + (ci ? skippedSuites : 0);
    const line = `${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped`;
    process.stdout.write(`\n${lines.map((l) => `${l}\n`).join('')}${line}\n`);
  }

  getLastError() {
    return this.error;
  }
}

module.exports = SummaryReporter;
