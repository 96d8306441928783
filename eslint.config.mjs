// Workspace boundaries (STYLE.md "Dependencies point one way"), checked by `npm run lint` and, inside `npm test`,
// by tools/checks/boundaries.test.ts. Only import rules are on: formatting and style are not linted here.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import mts, { testGlobs } from './tools/eslint/mts-plugin.mjs';

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:testing'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:core', notDependOnLibsWithTags: ['scope:service'] },
];
const boundaries = (allow = [], allowCircularSelfDependency = false) => ['error', { allow, depConstraints, allowCircularSelfDependency }];
// Tests may start the apps as fixtures (the API's tests run the worker, the parsers' the ODK stand-in), and
// scripts/benches run a package's own build by its name.
const appsUsedAsFixtures = ['@mts/ida-sandbox', '@mts/odk-standin', '@mts/sheets-standin', '@mts/formio-standin', '@mts/websub-hub', '@mts/worker', '@mts/api', '@mts/vc-issuer'];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'tmp/**', '.nx/**'] },
  {
    files: ['libs/**/*.{ts,mts,cts,js,mjs,cjs}', 'apps/**/*.{ts,mts,cts,js,mjs,cjs}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' },
    // typescript-eslint's plugin is registered (not enabled) so the sources' disable comments name known rules.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@nx': nx, '@typescript-eslint': tseslint.plugin, mts },
    rules: { '@nx/enforce-module-boundaries': boundaries(), 'mts/package-imports': 'error' },
  },
  {
    files: testGlobs.map((g) => `{libs,apps}/*/${g}`),
    rules: { '@nx/enforce-module-boundaries': boundaries(appsUsedAsFixtures, true) },
  },
];
