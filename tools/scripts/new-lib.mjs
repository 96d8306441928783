#!/usr/bin/env node
// Scaffolds a publishable package under libs/ or apps/ with the workspace's conventions:
//   node tools/scripts/new-lib.mjs libs/crypto "AES-GCM, RSA-OAEP and detached JWS for IDA requests" [tag,...]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [dir, summary = '', tags = ''] = process.argv.slice(2);
if (!dir || !/^(libs|apps)\/[a-z0-9-]+$/.test(dir)) {
  console.error('usage: new-lib.mjs libs/<name>|apps/<name> "<one-sentence job>" [tags]');
  process.exit(2);
}
if (existsSync(dir)) {
  console.error(`${dir} exists`);
  process.exit(2);
}
const name = basename(dir);
const isApp = dir.startsWith('apps/');
const write = (file, text) => writeFileSync(join(dir, file), text);
mkdirSync(join(dir, 'src/lib'), { recursive: true });
// Libs are published (tools/scripts/pack.mjs): they carry the fields a registry page needs; apps are private.
const { repository } = JSON.parse(readFileSync('package.json', 'utf8'));
const pkg = {
  name: `@mts/${name}`,
  version: '0.1.0',
  description: summary,
  license: 'MPL-2.0',
  ...(isApp ? {} : { repository: { ...repository, directory: dir }, engines: { node: '>=20' } }),
  type: 'module',
  ...(isApp ? { private: true } : {}),
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      '@mts/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
      default: './dist/index.js',
    },
  },
  files: ['dist', 'README.md'],
  scripts: { build: 'tsc -p tsconfig.lib.json', test: 'jest -c jest.config.cjs' },
  nx: { tags: (tags || (isApp ? 'type:app' : 'type:lib')).split(',') },
  dependencies: {},
  ...(isApp ? {} : { publishConfig: { access: 'public' } }),
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n');
write('tsconfig.json', JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { types: ['node', 'jest'] }, include: ['src/**/*.ts', 'test/**/*.ts'] }, null, 2) + '\n');
write(
  'tsconfig.lib.json',
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      // Published libs ship no source maps (their sources are not in the tarball).
      compilerOptions: {
        rootDir: 'src',
        outDir: 'dist',
        customConditions: [],
        tsBuildInfoFile: 'dist/.tsbuildinfo',
        ...(isApp ? {} : { sourceMap: false, declarationMap: false }),
      },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts'],
    },
    null,
    2,
  ) + '\n',
);
write('jest.config.cjs', `module.exports = {\n  displayName: '${name}',\n  preset: '../../jest.preset.js',\n  rootDir: __dirname,\n};\n`);
write('src/index.ts', `// Public API of @mts/${name}: every export is named here.\n`);
write('README.md', `# @mts/${name}\n\n${summary}\n`);
console.log(`created ${dir}`);
