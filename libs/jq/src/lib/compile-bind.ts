/** `as` bindings with destructuring patterns, `reduce` and `foreach`. */
import type { Node, Pattern } from './ast.js';
import { compile, pushFrame, type Scope } from './compile.js';
import { fail } from './errors.js';
import { fromGen, fromOne, type Env, type Filter, type PathGen } from './filter.js';
import { index } from './operators.js';
import { tick } from './runtime.js';
import { typeOf } from './values.js';

// Object-pattern keys compile on first use; each AST entry always sees the same scope.
const patternKeys = new WeakMap<object, Filter>();

/** Binds `pattern` against `value`, pushing one frame per variable in `patternVars` order. */
function bindPattern(pattern: Pattern, value: unknown, env: Env, scope: Scope, emit: (env: Env) => void): void {
  switch (pattern.k) {
    case 'pvar': emit({ v: value, next: env }); return;
    case 'parray': {
      if (value !== null && !Array.isArray(value)) fail(`Cannot index ${typeOf(value)} with number`);
      const go = (j: number, en: Env, sc: Scope): void => {
        if (j === pattern.items.length) { emit(en); return; }
        const item = pattern.items[j];
        bindPattern(item, index(value, j), en, sc, (next) => go(j + 1, next, extendScope(sc, item)));
      };
      go(0, env, scope);
      return;
    }
    case 'pobject': {
      const go = (j: number, en: Env, sc: Scope): void => {
        if (j === pattern.entries.length) { emit(en); return; }
        const entry = pattern.entries[j];
        let key = patternKeys.get(entry);
        if (!key) { key = compile(entry.key, sc); patternKeys.set(entry, key); }
        key.gen(value, en, (k) => {
          if (typeof k !== 'string') fail(`Cannot index ${typeOf(value)} with ${typeOf(k)}`);
          const v = index(value, k);
          let en2 = en;
          let sc2 = sc;
          if (entry.bindVar !== null) { en2 = { v, next: en2 }; sc2 = pushFrame(sc2, 'var', entry.bindVar); }
          if (entry.value) bindPattern(entry.value, v, en2, sc2, (en3) => go(j + 1, en3, extendScope(sc2, entry.value!)));
          else go(j + 1, en2, sc2);
        });
      };
      go(0, env, scope);
    }
  }
}

function extendScope(scope: Scope, pattern: Pattern): Scope {
  switch (pattern.k) {
    case 'pvar': return pushFrame(scope, 'var', pattern.name);
    case 'parray': return pattern.items.reduce(extendScope, scope);
    case 'pobject': return pattern.entries.reduce((s, en) => {
      const s2 = en.bindVar !== null ? pushFrame(s, 'var', en.bindVar) : s;
      return en.value ? extendScope(s2, en.value) : s2;
    }, scope);
  }
}

export function compileBind(sourceNode: Node, pattern: Pattern, bodyNode: Node, scope: Scope): Filter {
  const source = compile(sourceNode, scope);
  const body = compile(bodyNode, extendScope(scope, pattern));
  const so = source.one;
  const bo = body.one;
  const paths: PathGen | null = body.paths && ((v, e, p, emit) => source.gen(v, e, (x) => bindPattern(pattern, x, e, scope, (en) => body.paths!(v, en, p, emit))));
  if (pattern.k === 'pvar' && so && bo) return fromOne((i, e) => bo(i, { v: so(i, e), next: e }), paths);
  return fromGen((i, e, emit) => source.gen(i, e, (x) => bindPattern(pattern, x, e, scope, (en) => body.gen(i, en, emit))), paths);
}

export function compileFold(node: Extract<Node, { k: 'reduce' | 'foreach' }>, scope: Scope): Filter {
  const source = compile(node.source, scope);
  const init = compile(node.init, scope);
  const inner = extendScope(scope, node.pattern);
  const update = compile(node.update, inner);
  const extract = node.k === 'foreach' && node.extract ? compile(node.extract, inner) : null;
  const pattern = node.pattern;
  if (node.k === 'reduce') {
    return fromGen((i, e, emit) => init.gen(i, e, (start) => {
      let acc: unknown = start;
      source.gen(i, e, (x) => {
        tick();
        bindPattern(pattern, x, e, scope, (en) => {
          let last: unknown = null;
          update.gen(acc, en, (v) => { last = v; });
          acc = last;
        });
      });
      emit(acc);
    }));
  }
  return fromGen((i, e, emit) => init.gen(i, e, (start) => {
    let acc: unknown = start;
    source.gen(i, e, (x) => {
      tick();
      bindPattern(pattern, x, e, scope, (en) => {
        update.gen(acc, en, (v) => {
          acc = v;
          if (extract) extract.gen(v, en, emit);
          else emit(v);
        });
      });
    });
  }));
}

