// The published libs as a consumer gets them: `npm run pack` (tools/scripts/pack.mjs) writes the tarballs, which are
// checked for workspace leftovers, then installed into a temporary project outside the workspace (third-party
// packages from the npm cache `npm ci` filled), where fixtures/consumer/consumer.ts is type-checked and run; @mts/cli
// is installed the same way and its mts-seed bin run.
// Needs the libs built (CI builds before `npm test`); without a build this fails and says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');
jest.setTimeout(240_000);

interface Packed {
  name: string;
  version: string;
  file: string;
  dependencies: Record<string, string>;
}

// npm passes its own settings to scripts as npm_* variables; a nested npm must not inherit the workspace's.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') || ['npm_config_cache', 'npm_config_registry', 'npm_config_userconfig'].includes(k)),
);

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`.slice(0, 6000));
  return r.stdout;
}

const tarList = (file: string) => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
const tarRead = (file: string, entry: string) => execFileSync('tar', ['-xzOf', file, entry], { encoding: 'utf8', maxBuffer: 64 << 20 });
const workspaceVersion = (pkg: string) => JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;

describe('published packages', () => {
  let work: string;
  let packages: Packed[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mts-consumer-'));
    const r = spawnSync(process.execPath, [join(root, 'tools/scripts/pack.mjs'), '--out', join(work, 'packages')], { cwd: root, env: cleanEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm run pack failed: ${r.stderr.trim()}`);
    packages = JSON.parse(r.stdout.trim().split('\n').pop()!).packages;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('packs every lib, with no workspace-only condition, path, source map or build state', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@mts/authenticator', '@mts/crypto', '@mts/field-mapping', '@mts/parsers']));
    for (const p of packages) {
      const files = tarList(p.file);
      expect(files).toContain('package/package.json');
      expect(files).toContain('package/README.md');
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.filter((f) => /\.map$|\.tsbuildinfo$|^package\/src\/|\.test\./.test(f))).toEqual([]);
      const manifest = tarRead(p.file, 'package/package.json');
      expect(manifest).not.toContain('@mts/source');
      expect(manifest).not.toMatch(/\.\/src\//);
      const json = JSON.parse(manifest);
      expect([p.name, json.devDependencies, json.scripts, json.nx]).toEqual([p.name, undefined, undefined, undefined]);
      expect(json.engines).toEqual({ node: '>=20' });
      expect(json.license).toBe('MPL-2.0');
      expect(json.repository).toEqual(expect.objectContaining({ type: 'git', directory: relative(root, join(root, 'libs', p.name.slice('@mts/'.length))) }));
      const index = tarRead(p.file, 'package/dist/index.js');
      expect(index).not.toMatch(/sourceMappingURL/);
    }
  });

  it("declares every internal dependency with a version that resolves among the tarballs", () => {
    const byName = new Map(packages.map((p) => [p.name, p.version]));
    const unresolved = packages.flatMap((p) =>
      Object.entries(p.dependencies)
        .filter(([dep, range]) => dep.startsWith('@mts/') && byName.get(dep) !== range)
        .map(([dep, range]) => `${p.name} → ${dep}@${range}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('installs outside the workspace, type-checks with nodenext and runs a consumer', () => {
    // The three entry packages and the @mts packages they need, all from the tarballs.
    const wanted = new Set(['@mts/authenticator', '@mts/parsers', '@mts/field-mapping']);
    for (const name of wanted)
      for (const dep of Object.keys(packages.find((p) => p.name === name)!.dependencies)) if (dep.startsWith('@mts/')) wanted.add(dep);
    const app = join(work, 'app');
    const tarballs = packages.filter((p) => wanted.has(p.name)).map((p) => p.file);
    writeFileSync(join(work, 'package.json'), '{}'); // keeps npm from walking up further
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'mts-consumer', private: true, type: 'module' }));
    copyFileSync(join(__dirname, 'fixtures/consumer/consumer.ts'), join(app, 'consumer.ts'));
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, outDir: 'out', types: ['node'], skipLibCheck: false },
        files: ['consumer.ts'],
      }),
    );
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs, `typescript@${workspaceVersion('typescript')}`, `@types/node@${workspaceVersion('@types/node')}`], app);
    run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], app);
    const output = JSON.parse(run(process.execPath, [join(app, 'out/consumer.js')], app));
    expect(output.records).toEqual([
      { lineNo: 2, data: { vid: '4000000001', first: 'Ada', last: 'Example', gender: 'female', dob: '1990/01/02', address: '1 Test Street' } },
      expect.objectContaining({ lineNo: 3 }),
    ]);
    expect(output.mapped[0]).toEqual({
      ok: true,
      input: expect.objectContaining({ vid: '4000000001', name: [{ language: 'eng', value: 'Ada Example' }], fullAddress: [{ language: 'eng', value: '1 Test Street' }] }),
    });
    expect(output.mapped[1]).toEqual(expect.objectContaining({ ok: false, vid: '4000000002', code: 'ATS-REQ-003' }));
    expect(output.config).toEqual(expect.objectContaining({ partnerId: 'partner-example', timeoutMs: 2500 }));
    expect(output.badTimeout).toBe('AUT_CFG_001');
  });

  it("installs @mts/cli outside the workspace with a working mts-seed bin", () => {
    const wanted = new Set(['@mts/cli']);
    for (const name of wanted)
      for (const dep of Object.keys(packages.find((p) => p.name === name)!.dependencies)) if (dep.startsWith('@mts/')) wanted.add(dep);
    const app = join(work, 'cli-app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'mts-cli-user', private: true }));
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...packages.filter((p) => wanted.has(p.name)).map((p) => p.file)], app);
    const bin = join(app, 'node_modules/.bin/mts-seed');
    expect(run(bin, ['--version'], app).trim()).toBe(packages.find((p) => p.name === '@mts/cli')!.version);
    expect(run(bin, ['--help'], app)).toContain('exit status:');
    const usage = spawnSync(bin, ['in.csv'], { cwd: app, env: cleanEnv, encoding: 'utf8' });
    expect([usage.status, usage.stderr]).toEqual([2, expect.stringContaining('-o <output> is required')]);
  });
});
