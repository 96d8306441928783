// Local ESLint rule `mts/package-imports`: the package rules @nx/enforce-module-boundaries does not know about.
// An `@mts/*` import names a package root only (no deep path), names a workspace package, is declared in the
// importing package's package.json (dependencies; devDependencies too in test code), and production code never
// imports a `type:testing` package or an app.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Files that run only under test or tooling (may use devDependencies and the apps as fixtures). */
export const testGlobs = ['**/*.test.ts', '**/test/**', '**/conformance/**', '**/bench/**', '**/scripts/**', '**/jest.config.cjs'];
const isTestFile = (rel) => /\.test\.ts$/.test(rel) || /(^|\/)(test|conformance|bench|scripts)\//.test(rel) || rel.endsWith('jest.config.cjs');

function readPackages() {
  const byName = new Map();
  const byDir = new Map();
  for (const top of ['libs', 'apps']) {
    if (!existsSync(join(root, top))) continue;
    for (const dir of readdirSync(join(root, top))) {
      const file = join(root, top, dir, 'package.json');
      if (!existsSync(file)) continue;
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const pkg = {
        name: json.name,
        dir: `${top}/${dir}`,
        kind: top === 'libs' ? 'lib' : 'app',
        tags: json.nx?.tags ?? [],
        deps: new Set(Object.keys(json.dependencies ?? {})),
        devDeps: new Set(Object.keys(json.devDependencies ?? {})),
        // Subpaths the package publishes in its exports map are public API too (e.g. @mts/testing/swc-register).
        exported: new Set(Object.keys(typeof json.exports === 'object' && json.exports ? json.exports : {}).filter((k) => k !== '.').map((k) => `${json.name}${k.slice(1)}`)),
      };
      byName.set(pkg.name, pkg);
      byDir.set(pkg.dir, pkg);
    }
  }
  return { byName, byDir };
}

const packageImports = {
  meta: {
    type: 'problem',
    docs: { description: 'workspace packages are imported by their root, declared, and only where allowed' },
    schema: [],
    messages: {
      deep: '"{{spec}}" reaches inside {{target}}: import from "{{target}}" (its public API) instead',
      unknown: '"{{target}}" is not a package of this workspace',
      undeclared: '{{target}} is not declared in {{pkg}}\'s package.json ({{where}})',
      testingInProduction: 'production code imports the test-only package {{target}}',
      appInProduction: 'a lib imports the app {{target}}',
    },
  },
  create(context) {
    const packages = readPackages();
    const rel = relative(root, context.filename).split(sep).join('/');
    const pkg = packages.byDir.get(rel.split('/').slice(0, 2).join('/'));
    if (!pkg) return {};
    const test = isTestFile(rel.slice(pkg.dir.length + 1));
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('@mts/')) return;
      const target = spec.split('/').slice(0, 2).join('/');
      if (spec !== target && !packages.byName.get(target)?.exported.has(spec)) context.report({ node, messageId: 'deep', data: { spec, target } });
      const dep = packages.byName.get(target);
      if (!dep) return context.report({ node, messageId: 'unknown', data: { target } });
      if (dep === pkg) return; // self imports are @nx/enforce-module-boundaries' business
      if (!test && dep.tags.includes('type:testing')) context.report({ node, messageId: 'testingInProduction', data: { target } });
      if (!test && pkg.kind === 'lib' && dep.kind === 'app') context.report({ node, messageId: 'appInProduction', data: { target } });
      if (!pkg.deps.has(target) && !(test && pkg.devDeps.has(target)))
        context.report({ node, messageId: 'undeclared', data: { target, pkg: pkg.name, where: test ? 'dependencies or devDependencies' : 'dependencies' } });
    }
    const fromSource = (node) => node.source && check(node.source, node.source.value);
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => node.argument?.literal && check(node.argument, node.argument.literal.value),
      CallExpression(node) {
        const callee = node.callee;
        const isRequire = callee.type === 'Identifier' && callee.name === 'require';
        const isResolve = callee.type === 'MemberExpression' && callee.object.name === 'require' && callee.property.name === 'resolve';
        const isMock = callee.type === 'MemberExpression' && callee.object.name === 'jest' && ['mock', 'requireActual'].includes(callee.property.name);
        const arg = node.arguments[0];
        if ((isRequire || isResolve || isMock) && arg?.type === 'Literal') check(arg, arg.value);
      },
    };
  },
};

export default { meta: { name: 'mts' }, rules: { 'package-imports': packageImports } };
