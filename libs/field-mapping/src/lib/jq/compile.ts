/** Compiles the AST to closures (see filter.ts). Names are resolved here, so an unknown function fails at compile time. */
import type { Node, Pattern } from './ast.js';
import { lookupBuiltin, FORBIDDEN } from './builtins.js';
import { JqError, JqThrow, fail } from './errors.js';
import { Stop, cartesianInOrder, fromGen, fromOne, runGuarded, walkEnv, type Closure, type Env, type Filter, type One, type PathGen } from './filter.js';
import { applyFormat, assertFormat, formatFilter } from './formats.js';
import { compileAssign } from './assign.js';
import { add, divide, index, iterable, modulo, multiply, slice, subtract } from './operators.js';
import { enterCall, leaveCall, tick } from './runtime.js';
import { compare, equals, isObject, setKey, toText, truthy, typeOf } from './values.js';

/** Compile-time scope: `$vars` and closure params occupy runtime frames; `def`s do not. */
type Scope =
  | { kind: 'var' | 'closure'; name: string; pos: number; next: Scope }
  | { kind: 'func'; name: string; arity: number; def: FuncDef; next: Scope }
  | null;

interface FuncDef { params: string[]; depth: number; body: Filter | null }

const depthOf = (s: Scope): number => {
  for (let e = s; e; e = e.next) if (e.kind !== 'func') return e.pos;
  return 0;
};
const pushFrame = (s: Scope, kind: 'var' | 'closure', name: string): Scope => ({ kind, name, pos: depthOf(s) + 1, next: s });

export function compile(node: Node, scope: Scope = null): Filter {
  switch (node.k) {
    case 'identity':
      return fromOne((i) => i, (v, _e, p, emit) => emit(p, v));
    case 'literal': {
      const v = node.v;
      return fromOne(() => v);
    }
    case 'loc': {
      const line = node.line;
      return fromOne(() => ({ file: '<top-level>', line }));
    }
    case 'field': return compileField(node, scope);
    case 'index': {
      const t = compile(node.target, scope);
      const k = compile(node.index, scope);
      return postfix(t, k, index, (key) => [key]);
    }
    case 'slice': {
      const t = compile(node.target, scope);
      const from = node.from ? compile(node.from, scope) : compile({ k: 'literal', v: null });
      const to = node.to ? compile(node.to, scope) : compile({ k: 'literal', v: null });
      const bounds: Filter = cartesianInOrder([from, to], (a) => ({ start: a[0], end: a[1] }));
      return postfix(t, bounds, (v, b) => slice(v, (b as { start: unknown }).start, (b as { end: unknown }).end), (b) => [b]);
    }
    case 'iterate': {
      const t = compile(node.target, scope);
      return fromGen(
        (input, env, emit) => t.gen(input, env, (v) => {
          const items = iterable(v);
          for (let i = 0; i < items.length; i++) { tick(); emit(items[i]); }
        }),
        t.paths && ((value, env, path, emit) => t.paths!(value, env, path, (p, v) => {
          if (Array.isArray(v)) v.forEach((x, i) => { tick(); emit([...p, i], x); });
          else if (isObject(v)) for (const k of Object.keys(v)) { tick(); emit([...p, k], v[k]); }
          else if (v !== null && v !== undefined) fail(`Cannot iterate over ${typeOf(v)}`);
        })),
      );
    }
    case 'recurseDefault': return compile({ k: 'call', name: 'recurse', args: [] }, scope);
    case 'pipe': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      const lo = l.one;
      const ro = r.one;
      const paths: PathGen | null = l.paths && r.paths && ((value, env, path, emit) => l.paths!(value, env, path, (p, v) => r.paths!(v, env, p, emit)));
      if (lo && ro) return fromOne((i, e) => ro(lo(i, e), e), paths);
      const rg = r.gen;
      return fromGen((i, e, emit) => l.gen(i, e, (v) => rg(v, e, emit)), paths);
    }
    case 'comma': {
      const l = compile(node.left, scope);
      const r = compile(node.right, scope);
      return fromGen(
        (i, e, emit) => { l.gen(i, e, emit); r.gen(i, e, emit); },
        l.paths && r.paths && ((v, e, p, emit) => { l.paths!(v, e, p, emit); r.paths!(v, e, p, emit); }),
      );
    }
    case 'neg': {
      const b = compile(node.body, scope);
      return map1(b, (v) => (typeof v === 'number' ? -v : fail(`${typeOf(v)} cannot be negated`)));
    }
    case 'binop': return compileBinop(node.op, compile(node.left, scope), compile(node.right, scope));
    case 'and': case 'or': return compileLogic(node.k, compile(node.left, scope), compile(node.right, scope));
    case 'alt': return compileAlt(compile(node.left, scope), compile(node.right, scope));
    case 'assign': return compileAssign(node.op, compile(node.left, scope), compile(node.right, scope));
    case 'if': return compileIf(compile(node.cond, scope), compile(node.then, scope), node.else ? compile(node.else, scope) : compile({ k: 'identity' }));
    case 'try': return compileTry(compile(node.body, scope), node.catch ? compile(node.catch, scope) : null);
    case 'reduce': case 'foreach': return compileFold(node, scope);
    case 'bind': return compileBind(node.source, node.patterns[0], node.body, scope);
    case 'var': return compileVar(node.name, scope);
    case 'array': {
      if (!node.body) return fromOne(() => []);
      const b = compile(node.body, scope);
      const bo = b.one;
      if (bo) return fromOne((i, e) => [bo(i, e)]);
      const bg = b.gen;
      return fromOne((i, e) => { const out: unknown[] = []; bg(i, e, (v) => { out.push(v); }); return out; });
    }
    case 'object': return compileObject(node.entries.map((en) => ({ key: compile(en.key, scope), value: compile(en.value, scope) })));
    case 'string': {
      const fmt = node.format;
      if (fmt) assertFormat(fmt);
      const parts = node.parts.map((p) => (typeof p === 'string' ? compile({ k: 'literal', v: p }) : compile(p, scope)));
      const literal = node.parts.map((p) => typeof p === 'string');
      return cartesian(parts, (vals) => {
        let s = '';
        for (let j = 0; j < vals.length; j++) s += literal[j] ? (vals[j] as string) : fmt ? applyFormat(fmt, vals[j]) : toText(vals[j]);
        return s;
      });
    }
    case 'format': return formatFilter(node.name);
    case 'call': return compileCall(node.name, node.args, scope);
    case 'def': {
      const def: FuncDef = { params: node.params, depth: depthOf(scope), body: null };
      const withSelf: Scope = { kind: 'func', name: node.name, arity: node.params.length, def, next: scope };
      let bodyScope: Scope = withSelf;
      for (const p of node.params) {
        bodyScope = pushFrame(bodyScope, 'closure', p.startsWith('$') ? p.slice(1) : p);
        if (p.startsWith('$')) bodyScope = pushFrame(bodyScope, 'var', p.slice(1));
      }
      def.body = compile(node.body, bodyScope);
      return compile(node.rest, withSelf);
    }
    case 'label': {
      const body = compile(node.body, pushFrame(scope, 'var', '*label*' + node.name));
      return fromGen((i, e, emit) => {
        const token = new Stop(node.name);
        try { body.gen(i, { v: token, next: e }, emit); } catch (x) { if (x !== token) throw x; }
      });
    }
    case 'break': {
      const label = compileVar('*label*' + node.name, scope, `$*label-${node.name} is not defined`);
      return fromGen((i, e) => { throw label.one!(i, e); });
    }
  }
}

function compileField(node: Extract<Node, { k: 'field' }>, scope: Scope): Filter {
  // Collapse `.a.b.c` into one loop over the keys: the common case in templates.
  const keys: string[] = [];
  let n: Node = node;
  while (n.k === 'field') { keys.unshift(n.name); n = n.target; }
  const base = compile(n, scope);
  const bo = base.one;
  const walk = (v: unknown): unknown => {
    for (let j = 0; j < keys.length; j++) v = index(v, keys[j]);
    return v;
  };
  const paths: PathGen | null = base.paths && ((value, env, path, emit) => base.paths!(value, env, path, (p, v) => emit([...p, ...keys], walk(v))));
  if (n.k === 'identity') return fromOne(walk, paths);
  if (bo) return fromOne((i, e) => walk(bo(i, e)), paths);
  return fromGen((i, e, emit) => base.gen(i, e, (v) => emit(walk(v))), paths);
}

/** `t[k]`-shaped terms: the key is evaluated against the term's input, outer loop over keys as jq does. */
function postfix(t: Filter, k: Filter, op: (v: unknown, key: unknown) => unknown, step: (key: unknown) => unknown[]): Filter {
  const to = t.one;
  const ko = k.one;
  const paths: PathGen | null = t.paths && ((value, env, path, emit) => k.gen(value, env, (key) => t.paths!(value, env, path, (p, v) => emit([...p, ...step(key)], op(v, key)))));
  if (to && ko) return fromOne((i, e) => op(to(i, e), ko(i, e)), paths);
  return fromGen((i, e, emit) => k.gen(i, e, (key) => t.gen(i, e, (v) => emit(op(v, key)))), paths);
}

function map1(b: Filter, f: (v: unknown) => unknown): Filter {
  const bo = b.one;
  if (bo) return fromOne((i, e) => f(bo(i, e)));
  return fromGen((i, e, emit) => b.gen(i, e, (v) => emit(f(v))));
}

/** All combinations of the parts' outputs; the last part varies slowest, as in jq. */
export function cartesian(parts: Filter[], make: (vals: unknown[]) => unknown): Filter {
  const ones = parts.map((p) => p.one);
  if (ones.every((o) => o !== null)) {
    const os = ones as One[];
    return fromOne((i, e) => make(os.map((o) => o(i, e))));
  }
  return fromGen((i, e, emit) => {
    const vals = new Array<unknown>(parts.length);
    const go = (j: number): void => {
      if (j < 0) { emit(make(vals.slice())); return; }
      parts[j].gen(i, e, (v) => { vals[j] = v; go(j - 1); });
    };
    go(parts.length - 1);
  });
}

const BINOPS: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': add, '-': subtract, '*': multiply, '/': divide, '%': modulo,
  '==': (a, b) => equals(a, b), '!=': (a, b) => !equals(a, b),
  '<': (a, b) => compare(a, b) < 0, '<=': (a, b) => compare(a, b) <= 0,
  '>': (a, b) => compare(a, b) > 0, '>=': (a, b) => compare(a, b) >= 0,
};

function compileBinop(op: string, l: Filter, r: Filter): Filter {
  const f = BINOPS[op];
  const lo = l.one;
  const ro = r.one;
  if (lo && ro) return fromOne((i, e) => { const b = ro(i, e); return f(lo(i, e), b); });
  return fromGen((i, e, emit) => r.gen(i, e, (b) => l.gen(i, e, (a) => emit(f(a, b)))));
}

function compileLogic(kind: 'and' | 'or', l: Filter, r: Filter): Filter {
  const shortCircuit = kind === 'or';
  const lo = l.one;
  const ro = r.one;
  if (lo && ro) return fromOne((i, e) => (truthy(lo(i, e)) === shortCircuit ? shortCircuit : truthy(ro(i, e))));
  return fromGen((i, e, emit) => l.gen(i, e, (a) => {
    if (truthy(a) === shortCircuit) emit(shortCircuit);
    else r.gen(i, e, (b) => emit(truthy(b)));
  }));
}

// jq 1.6 (the reference, and MTS's pyjq): errors on the left of `//` propagate; only false/null fall through.
function compileAlt(l: Filter, r: Filter): Filter {
  const lo = l.one;
  const ro = r.one;
  const paths: PathGen | null = l.paths && r.paths && ((v, e, p, emit) => {
    let any = false;
    l.paths!(v, e, p, (pp, vv) => { if (truthy(vv)) { any = true; emit(pp, vv); } });
    if (!any) r.paths!(v, e, p, emit);
  });
  if (lo && ro) return fromOne((i, e) => { const v = lo(i, e); return truthy(v) ? v : ro(i, e); }, paths);
  return fromGen((i, e, emit) => {
    let any = false;
    l.gen(i, e, (v) => { if (truthy(v)) { any = true; emit(v); } });
    if (!any) r.gen(i, e, emit);
  }, paths);
}

function compileIf(c: Filter, t: Filter, f: Filter): Filter {
  const co = c.one;
  const to = t.one;
  const fo = f.one;
  const paths: PathGen | null = t.paths && f.paths && ((v, e, p, emit) => c.gen(v, e, (x) => (truthy(x) ? t.paths! : f.paths!)(v, e, p, emit)));
  if (co && to && fo) return fromOne((i, e) => (truthy(co(i, e)) ? to(i, e) : fo(i, e)), paths);
  return fromGen((i, e, emit) => c.gen(i, e, (x) => (truthy(x) ? t : f).gen(i, e, emit)), paths);
}

function compileTry(body: Filter, handler: Filter | null): Filter {
  const bo = body.one;
  const ho = handler?.one;
  const paths: PathGen | null = body.paths && ((v, e, p, emit) => {
    runGuarded((i, env, em) => body.paths!(i, env, p, (pp, vv) => em([pp, vv])), v, e, (pair) => emit(...(pair as [unknown[], unknown])), () => undefined);
  });
  if (bo && ho) {
    return fromOne((i, e) => {
      try { return bo(i, e); } catch (x) { if (!(x instanceof JqThrow)) throw x; return ho(x.value, e); }
    });
  }
  return fromGen((i, e, emit) => {
    runGuarded(body.gen, i, e, emit, (err) => {
      // jq 1.6: `error(null)` is not caught into a value.
      if (handler && err.value !== null) handler.gen(err.value, e, emit);
    });
  }, paths);
}

function compileVar(name: string, scope: Scope, missing = `$${name} is not defined`): Filter {
  for (let s = scope; s; s = s.next) {
    if (s.kind === 'var' && s.name === name) {
      const steps = depthOf(scope) - s.pos;
      if (steps === 0) return fromOne((_i, e) => e!.v);
      return fromOne((_i, e) => walkEnv(e, steps)!.v);
    }
  }
  throw new JqError('JQ_PARSE', missing);
}

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
        const key = compile(entry.key, sc);
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

function compileBind(sourceNode: Node, pattern: Pattern, bodyNode: Node, scope: Scope): Filter {
  const source = compile(sourceNode, scope);
  const body = compile(bodyNode, extendScope(scope, pattern));
  const so = source.one;
  const bo = body.one;
  const paths: PathGen | null = body.paths && ((v, e, p, emit) => source.gen(v, e, (x) => bindPattern(pattern, x, e, scope, (en) => body.paths!(v, en, p, emit))));
  if (pattern.k === 'pvar' && so && bo) return fromOne((i, e) => bo(i, { v: so(i, e), next: e }), paths);
  return fromGen((i, e, emit) => source.gen(i, e, (x) => bindPattern(pattern, x, e, scope, (en) => body.gen(i, en, emit))), paths);
}

function compileFold(node: Extract<Node, { k: 'reduce' | 'foreach' }>, scope: Scope): Filter {
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

function compileObject(entries: { key: Filter; value: Filter }[]): Filter {
  const parts: Filter[] = [];
  for (const en of entries) parts.push(en.key, en.value);
  const build = (vals: unknown[]): unknown => {
    const o: Record<string, unknown> = {};
    for (let j = 0; j < vals.length; j += 2) {
      const k = vals[j];
      if (typeof k !== 'string') fail(`Object keys must be strings`);
      setKey(o, k, vals[j + 1]);
    }
    return o;
  };
  if (parts.every((p) => p.one)) {
    // Fast path for the usual template: fixed keys, single-valued paths.
    const ko = entries.map((en) => en.key.one!);
    const vo = entries.map((en) => en.value.one!);
    const n = entries.length;
    return fromOne((i, e) => {
      const o: Record<string, unknown> = {};
      for (let j = 0; j < n; j++) {
        const k = ko[j](i, e);
        if (typeof k !== 'string') fail(`Object keys must be strings`);
        const v = vo[j](i, e);
        if (k === '__proto__') setKey(o, k, v); else o[k] = v;
      }
      return o;
    });
  }
  return cartesianInOrder(parts, build);
}

function compileCall(name: string, argNodes: Node[], scope: Scope): Filter {
  const arity = argNodes.length;
  for (let s = scope; s; s = s.next) {
    if (s.kind === 'closure' && arity === 0 && s.name === name) {
      const pos = s.pos;
      const here = depthOf(scope);
      return fromGen(
        (i, e, emit) => { const c = walkEnv(e, here - pos)!.v as Closure; c.f.gen(i, c.env, emit); },
        (v, e, p, emit) => {
          const c = walkEnv(e, here - pos)!.v as Closure;
          if (!c.f.paths) fail('Invalid path expression');
          c.f.paths(v, c.env, p, emit);
        },
      );
    }
    if (s.kind === 'func' && s.name === name && s.arity === arity) return callUser(s.def, argNodes.map((a) => compile(a, scope)), depthOf(scope));
  }
  if (FORBIDDEN.has(`${name}/${arity}`) || FORBIDDEN.has(name)) throw new JqError('JQ_FORBIDDEN', `${name}/${arity} is not available in templates`);
  const builtin = lookupBuiltin(name, arity);
  if (!builtin) throw new JqError('JQ_PARSE', `${name}/${arity} is not defined`);
  return builtin(argNodes.map((a) => compile(a, scope)));
}

function callUser(def: FuncDef, args: Filter[], here: number): Filter {
  const enter = (i: unknown, e: Env, run: (body: Filter, en: Env) => void): void => {
    const base = walkEnv(e, here - def.depth);
    const go = (j: number, en: Env): void => {
      if (j === args.length) { run(def.body!, en); return; }
      const closureEnv: Env = { v: { f: args[j], env: e } satisfies Closure, next: en };
      if (def.params[j].startsWith('$')) args[j].gen(i, e, (v) => go(j + 1, { v, next: closureEnv }));
      else go(j + 1, closureEnv);
    };
    enterCall();
    try { go(0, base); } finally { leaveCall(); }
  };
  return fromGen(
    (i, e, emit) => enter(i, e, (body, en) => body.gen(i, en, emit)),
    (v, e, p, emit) => enter(v, e, (body, en) => {
      if (!body.paths) fail('Invalid path expression');
      body.paths(v, en, p, emit);
    }),
  );
}
