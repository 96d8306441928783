// Workspace rules from STYLE.md, checked on the sources: dependencies point one way, every package is a real
// package (declared dependencies, README, one named public API), and nothing reaches into another's src/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

interface Pkg {
  dir: string;
  name: string;
  kind: 'lib' | 'app';
  tags: string[];
  deps: Set<string>;
  devDeps: Set<string>;
}

function readPackages(): Pkg[] {
  return (['libs', 'apps'] as const).flatMap((top) =>
    readdirSync(join(root, top))
      .filter((d) => existsSync(join(root, top, d, 'package.json')))
      .map((d) => {
        const json = JSON.parse(readFileSync(join(root, top, d, 'package.json'), 'utf8'));
        return {
          dir: join(root, top, d),
          name: json.name,
          kind: top === 'libs' ? 'lib' : 'app',
          tags: json.nx?.tags ?? [],
          deps: new Set(Object.keys(json.dependencies ?? {})),
          devDeps: new Set(Object.keys(json.devDependencies ?? {})),
        } satisfies Pkg;
      }),
  );
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'node_modules' || entry === 'dist' ? [] : sourceFiles(full);
    return /\.(ts|mts)$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

const isTestFile = (file: string) => /\.test\.ts$/.test(file) || /[\\/](test|testing)[\\/]/.test(file);
const importPattern = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](@mts\/[^'"]+)['"]/g;

function mtsImports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(importPattern)].map((m) => m[1]);
}

const packages = readPackages();
const byName = new Map(packages.map((p) => [p.name, p]));

describe('workspace boundaries', () => {
  it('finds the packages', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@mts/crypto', '@mts/authenticator', '@mts/api']));
    // The rules below mean something only if cross-package imports are actually seen.
    const seen = packages.flatMap((p) => sourceFiles(join(p.dir, 'src')).flatMap(mtsImports));
    expect(seen).toContain('@mts/crypto');
    expect(seen.length).toBeGreaterThan(10);
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s imports only what it may', (_name, pkg) => {
    const problems: string[] = [];
    for (const file of sourceFiles(join(pkg.dir, 'src')).concat(sourceFiles(join(pkg.dir, 'test')))) {
      const where = relative(root, file);
      for (const spec of mtsImports(file)) {
        const target = spec.split('/').slice(0, 2).join('/');
        if (spec !== target) problems.push(`${where}: deep import ${spec}`);
        const dep = byName.get(target);
        if (!dep) {
          problems.push(`${where}: unknown package ${target}`);
          continue;
        }
        if (dep === pkg) continue;
        const test = isTestFile(file);
        if (!test && pkg.kind === 'lib' && dep.kind === 'app') problems.push(`${where}: a lib imports the app ${target}`);
        if (!test && pkg.tags.includes('scope:core') && dep.tags.includes('scope:service'))
          problems.push(`${where}: a core lib imports the service lib ${target}`);
        if (!test && dep.tags.includes('type:testing')) problems.push(`${where}: production code imports ${target}`);
        if (!pkg.deps.has(target) && !(test && pkg.devDeps.has(target)))
          problems.push(`${where}: ${target} is not declared in ${pkg.name}'s package.json`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s is a real package with one named public API', (_name, pkg) => {
    expect(existsSync(join(pkg.dir, 'README.md'))).toBe(true);
    const index = readFileSync(join(pkg.dir, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/export\s+\*/);
  });
});
