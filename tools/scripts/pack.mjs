#!/usr/bin/env node
// Packs every publishable lib (libs/*, not private) into <out>/*.tgz from a cleaned, staged copy, because npm
// has no publishConfig override for `exports`: the workspace-only `@mts/source` condition (→ ./src/index.ts) and
// the workspace fields (scripts, nx, devDependencies) are dropped; so are build leftovers (.tsbuildinfo, maps).
//   npm run pack [-- --out <dir>]      (default dist/packages; needs `npm run build` first)
// Prints one JSON line: { out, packages: [{ name, version, file, dependencies }] }.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const out = resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : join(root, 'dist', 'packages'));
const WORKSPACE_CONDITION = '@mts/source';
const DROPPED_FIELDS = ['scripts', 'nx', 'devDependencies'];
const REQUIRED_FIELDS = ['license', 'engines', 'repository'];

function fail(message) {
  console.error(`pack: ${message}`);
  process.exit(1);
}

/** The publishable libs, in the order they are found. */
function publishableLibs() {
  return readdirSync(join(root, 'libs'))
    .map((d) => join(root, 'libs', d))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter((lib) => !lib.manifest.private);
}

/** Drops the workspace-only condition from an `exports` value, at any depth. */
function cleanExports(value) {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cleanExports);
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== WORKSPACE_CONDITION).map(([k, v]) => [k, cleanExports(v)]));
}

// Build output that is not for consumers: incremental-build state, source maps (the sources are not shipped).
const shipped = (path) => !/\.tsbuildinfo$|\.map$|\.test\.(js|d\.ts)$/.test(path);

const libs = publishableLibs();
const versions = new Map(libs.map((l) => [l.manifest.name, l.manifest.version]));
for (const { dir, manifest } of libs) {
  if (!existsSync(join(dir, 'dist', 'index.js')))
    fail(`${manifest.name} is not built (no ${join(dir, 'dist', 'index.js')}): run \`npm run build\` first`);
  for (const field of REQUIRED_FIELDS) if (!manifest[field]) fail(`${manifest.name} has no "${field}" in its package.json`);
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!dep.startsWith('@mts/')) continue;
    if (!versions.has(dep)) fail(`${manifest.name} depends on ${dep}, which is not a publishable lib`);
    if (range !== versions.get(dep)) fail(`${manifest.name} depends on ${dep}@${range}, but the workspace has ${versions.get(dep)}`);
  }
}

mkdirSync(out, { recursive: true });
const stageRoot = mkdtempSync(join(tmpdir(), 'mts-pack-'));
const packed = [];
try {
  for (const { dir, manifest } of libs) {
    const stage = join(stageRoot, manifest.name.replace('/', '+'));
    mkdirSync(stage);
    for (const entry of [...(manifest.files ?? []), 'README.md']) {
      if (existsSync(join(dir, entry))) cpSync(join(dir, entry), join(stage, entry), { recursive: true, filter: shipped });
    }
    const clean = { ...manifest, exports: cleanExports(manifest.exports) };
    for (const field of DROPPED_FIELDS) delete clean[field];
    const text = JSON.stringify(clean, null, 2) + '\n';
    if (text.includes(WORKSPACE_CONDITION) || /"\.\/src\//.test(text)) fail(`${manifest.name}: a workspace-only path survived cleaning`);
    writeFileSync(join(stage, 'package.json'), text);
    const [result] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }));
    packed.push({ name: manifest.name, version: manifest.version, file: join(out, result.filename), dependencies: clean.dependencies ?? {} });
  }
} finally {
  rmSync(stageRoot, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ out, packages: packed }) + '\n');
