/** Compiles the AST to closures (see filter.ts). Names are resolved here, so an unknown function fails at compile time. */
import type { Node } from './ast.js';
import { lookupBuiltin, FORBIDDEN } from './builtins.js';
import { JqError, fail } from './errors.js';
import { Stop, cartesianInOrder, fromGen, fromOne, walkEnv, type Closure, type Env, type Filter, type One, type PathGen } from './filter.js';
import { applyFormat, assertFormat, formatFilter } from './formats.js';
import { compileAssign } from './assign.js';
import { compileBind, compileFold } from './compile-bind.js';
import { compileAlt, compileBinop, compileIf, compileLogic, compileTry } from './compile-control.js';
import { index, iterable, slice } from './operators.js';
import { charge, enterCall, leaveCall, tick } from './runtime.js';
import { isObject, setKey, toText, typeOf } from './values.js';

/** Compile-time scope: `$vars` and closure params occupy runtime frames; `def`s do not. */
export type Scope =
  | { kind: 'var' | 'closure'; name: string; pos: number; next: Scope }
  | { kind: 'func'; name: string; arity: number; def: FuncDef; next: Scope }
  | null;

interface FuncDef { params: string[]; depth: number; body: Filter | null }

export const depthOf = (s: Scope): number => {
  for (let e = s; e; e = e.next) if (e.kind !== 'func') return e.pos;
  return 0;
};
export const pushFrame = (s: Scope, kind: 'var' | 'closure', name: string): Scope => ({ kind, name, pos: depthOf(s) + 1, next: s });

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
      // Each element is charged: `[range(n) | (1, 1, …)]` would otherwise build more than its steps.
      return fromOne((i, e) => { const out: unknown[] = []; bg(i, e, (v) => { tick(); out.push(v); }); return out; });
    }
    case 'object': return compileObject(node.entries.map((en) => ({ key: compile(en.key, scope), value: compile(en.value, scope) })));
    case 'string': {
      const fmt = node.format;
      if (fmt) assertFormat(fmt);
      const parts = node.parts.map((p) => (typeof p === 'string' ? compile({ k: 'literal', v: p }) : compile(p, scope)));
      const literal = node.parts.map((p) => typeof p === 'string');
      return cartesian(parts, (vals) => {
        const texts = vals.map((v, j) => (literal[j] ? (v as string) : fmt ? applyFormat(fmt, v) : toText(v)));
        // Charged by the length built: `"\(.)\(.)"` doubles its input each time round a loop.
        let n = 0;
        for (const t of texts) n += t.length;
        charge(n);
        return texts.join('');
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

function compileObject(entries: { key: Filter; value: Filter }[]): Filter {
  const parts: Filter[] = [];
  for (const en of entries) parts.push(en.key, en.value);
  const build = (vals: unknown[]): unknown => {
    charge(entries.length);
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
      charge(n);
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
