// Workspace rules from STYLE.md: dependencies point one way (eslint.config.mjs: @nx/enforce-module-boundaries on the
// Nx tags, plus the local mts/package-imports rule), and every package is a real package (README, one named public
// API). The lint runs in a child process (ESLint loads its flat config with import(), which Jest's VM lacks).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
jest.setTimeout(120_000);

interface LintOutput {
  files: number;
  results: { filePath: string; messages: { ruleId: string | null; line: number; message: string }[] }[];
}

function lint(...args: string[]): LintOutput {
  const r = spawnSync(process.execPath, [join(root, 'tools/scripts/lint.mjs'), '--json', ...args], { cwd: root, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"files"'));
  if (!line) throw new Error(`lint.mjs printed no result (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

const packageDirs = ['libs', 'apps'].flatMap((top) =>
  readdirSync(join(root, top))
    .filter((d) => existsSync(join(root, top, d, 'package.json')))
    .map((d) => `${top}/${d}`),
);

// Each case is linted as if it were the file at `filePath`; `expect` lists what must be reported.
const violations: { name: string; filePath: string; code: string; expect: RegExp[]; expectNot?: RegExp[] }[] = [
  {
    name: 'a relative import into another package',
    filePath: 'libs/parsers/src/lib/boundary-fixture.ts',
    code: "import { openStore } from '../../../store/src/index.js';\nexport { openStore };\n",
    expect: [/Projects cannot be imported by a relative or absolute path/],
  },
  {
    name: 'a relative import from an app into a lib',
    filePath: 'apps/api/src/lib/boundary-fixture.ts',
    code: "import { parseCsv } from '../../../../libs/parsers/src/lib/csv.js';\nexport { parseCsv };\n",
    expect: [/Projects cannot be imported by a relative or absolute path/],
  },
  {
    name: 'a core lib importing a service lib',
    filePath: 'libs/field-mapping/src/lib/boundary-fixture.ts',
    code: "import { openStore } from '@mts/store';\nexport { openStore };\n",
    expect: [/"scope:core" can not depend on libs tagged with "scope:service"/, /@mts\/store is not declared in @mts\/field-mapping/],
  },
  {
    name: 'a lib importing an app',
    filePath: 'libs/field-mapping/src/lib/boundary-fixture.ts',
    code: "import { startOdkStandin } from '@mts/odk-standin';\nexport { startOdkStandin };\n",
    expect: [/"type:lib" can only depend on libs tagged with/, /a lib imports the app @mts\/odk-standin/],
  },
  {
    name: 'an app importing another app in production code',
    filePath: 'apps/api/src/lib/boundary-fixture.ts',
    code: "import { startWorker } from '@mts/worker';\nexport { startWorker };\n",
    expect: [/"type:app" can only depend on libs tagged with/],
  },
  {
    name: "a deep import into another package's src/",
    filePath: 'libs/authenticator/src/lib/boundary-fixture.ts',
    code: "import { sha256 } from '@mts/crypto/src/lib/hash.js';\nexport { sha256 };\n",
    expect: [/reaches inside @mts\/crypto/],
  },
  {
    name: 'a subpath the package does not export (a declared one, @mts/testing/swc-register, is allowed)',
    filePath: 'libs/agenda-sqlite/test/boundary-fixture.ts',
    code: "import '@mts/testing/swc-register';\nimport { createTempDir } from '@mts/testing/src/lib/temp-dir.js';\nexport { createTempDir };\n",
    expect: [/"@mts\/testing\/src\/lib\/temp-dir.js" reaches inside @mts\/testing/],
    expectNot: [/swc-register/],
  },
  {
    name: 'an undeclared workspace dependency',
    filePath: 'libs/parsers/src/lib/boundary-fixture.ts',
    code: "import { sha256 } from '@mts/crypto';\nexport { sha256 };\n",
    expect: [/@mts\/crypto is not declared in @mts\/parsers's package.json/],
  },
  {
    name: 'production code importing the test helpers',
    filePath: 'libs/store/src/lib/boundary-fixture.ts',
    code: "const testing = await import('@mts/testing');\nexport { testing };\n",
    expect: [/production code imports the test-only package @mts\/testing/],
  },
];

describe('workspace boundaries (ESLint)', () => {
  it('the workspace has no boundary violations', () => {
    const out = lint();
    // Every package's sources were linted (a glob or config slip would lint nothing and pass).
    for (const dir of packageDirs) expect(out.results.some((r) => r.filePath.startsWith(`${dir}/src/`))).toBe(true);
    expect(out.files).toBeGreaterThan(100);
    const problems = out.results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(problems).toEqual([]);
  });

  it('the rules fire on each kind of violation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'boundary-cases-'));
    try {
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(violations));
      const out = lint('--cases', join(dir, 'cases.json'));
      expect(out.results).toHaveLength(violations.length);
      violations.forEach((v, i) => {
        const messages = out.results[i]!.messages.map((m) => m.message).join('\n');
        for (const pattern of v.expect) expect(`${v.name}:\n${messages}`).toMatch(pattern);
        for (const pattern of v.expectNot ?? []) expect(messages).not.toMatch(pattern);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every package is a real package with one named public API', () => {
  it.each(packageDirs)('%s', (dir) => {
    expect(existsSync(join(root, dir, 'README.md'))).toBe(true);
    const index = readFileSync(join(root, dir, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export\s+\*/);
    expect(index).toMatch(/export\s+(type\s+)?\{/);
  });
});
