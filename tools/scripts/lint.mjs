#!/usr/bin/env node
// Lints the workspace boundaries (eslint.config.mjs). Builds the Nx project graph first: without a cached graph
// @nx/enforce-module-boundaries skips itself with only a warning, which would make this check pass vacuously.
//   node tools/scripts/lint.mjs                 lint libs/ and apps/, print problems, exit 1 on any
//   node tools/scripts/lint.mjs --json          the same, as JSON [{ filePath, messages: [{ ruleId, line, message }] }]
//   node tools/scripts/lint.mjs --cases <file>  lint each { filePath, code } of a JSON array as if it were that file
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
Object.assign(process.env, { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' });
const args = process.argv.slice(2);
const casesFile = args.includes('--cases') ? args[args.indexOf('--cases') + 1] : undefined;

await createProjectGraphAsync({ exitOnError: true });
const eslint = new ESLint({ cwd: root, errorOnUnmatchedPattern: true });
let results;
if (casesFile) {
  const cases = JSON.parse(readFileSync(casesFile, 'utf8'));
  results = [];
  for (const c of cases) results.push(...(await eslint.lintText(c.code, { filePath: join(root, c.filePath) })));
} else {
  results = await eslint.lintFiles(['libs', 'apps']);
}
const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
if (args.includes('--json') || casesFile) {
  const slim = results.map((r) => ({
    filePath: relative(root, r.filePath),
    messages: r.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, message: m.message })),
  }));
  process.stdout.write(JSON.stringify({ files: results.length, results: slim }) + '\n');
} else {
  process.stdout.write(await (await eslint.loadFormatter('stylish')).format(results));
  if (!problems) process.stdout.write(`lint: ${results.length} files, no boundary problems\n`);
}
process.exitCode = problems && !casesFile ? 1 : 0;
