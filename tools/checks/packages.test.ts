// Package hygiene on the manifests themselves (no build needed), so a new lib that lacks it fails here first:
// every lib is publishable (license, engines, repository with its directory, public access, no source maps in its
// build); every app is private; internal dependencies carry the exact workspace version.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8'));
const dirs = (top: string) => readdirSync(join(root, top)).filter((d) => existsSync(join(root, top, d, 'package.json'))).map((d) => `${top}/${d}`);
const rootManifest = read('package.json');
const versions = new Map<string, string>([...dirs('libs'), ...dirs('apps')].map((d) => [read(`${d}/package.json`).name, read(`${d}/package.json`).version]));

describe('package manifests', () => {
  it('the root names the repository and has no runtime dependencies of its own', () => {
    expect(rootManifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\//) });
    expect(rootManifest.dependencies).toBeUndefined();
  });

  it.each(dirs('libs'))('%s is publishable', (dir) => {
    const pkg = read(`${dir}/package.json`);
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MPL-2.0');
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.repository).toEqual({ ...rootManifest.repository, directory: dir });
    expect(pkg.publishConfig).toEqual({ access: 'public' });
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md']));
    const lib = read(`${dir}/tsconfig.lib.json`).compilerOptions;
    expect([lib.sourceMap, lib.declarationMap]).toEqual([false, false]); // the sources are not in the tarball
    const internal = Object.entries<string>(pkg.dependencies ?? {}).filter(([dep]) => dep.startsWith('@mts/'));
    for (const [dep, range] of internal) expect(`${dep}@${range}`).toBe(`${dep}@${versions.get(dep)}`);
  });

  it.each(dirs('apps'))('%s is private', (dir) => {
    expect(read(`${dir}/package.json`).private).toBe(true);
  });
});
