/** Builtins that take filters: select, map, recursion, generators, and the `*_by` family. */
import { fail } from './errors.js';
import { Stop, cartesianInOrder, fromGen, fromOne, type Env, type Filter } from './filter.js';
import { fromEntries } from './builtins-core.js';
import { iterable } from './operators.js';
import { define } from './registry.js';
import { enterCall, leaveCall, tick } from './runtime.js';
import { compare, equals, isObject, setKey, truthy, typeOf } from './values.js';

/** First output of `f`, or `none` if it has none; stops `f` after it. */
export function firstOf(f: Filter, i: unknown, e: Env, none: unknown = undefined): unknown {
  if (f.one) return f.one(i, e);
  const stop = new Stop();
  let out: unknown = none;
  try {
    f.gen(i, e, (v) => { out = v; throw stop; });
  } catch (x) {
    if (x !== stop) throw x;
  }
  return out;
}

function collect(f: Filter, i: unknown, e: Env): unknown[] {
  if (f.one) return [f.one(i, e)];
  const out: unknown[] = [];
  f.gen(i, e, (v) => { out.push(v); });
  return out;
}

/** Sorts by `[f]` per element (jq compares the arrays of outputs), stably. */
function keyed(v: unknown, f: Filter, e: Env, what: string): { x: unknown; k: unknown[] }[] {
  if (!Array.isArray(v)) fail(`Cannot ${what} ${typeOf(v)}, as it is not an array`);
  return (v as unknown[]).map((x) => { tick(); return { x, k: collect(f, x, e) }; }).sort((a, b) => compare(a.k, b.k));
}

const childrenOpt: Filter = fromGen(
  (v, _e, emit) => { if (typeof v === 'object' && v !== null) for (const x of iterable(v)) emit(x); },
  (v, _e, p, emit) => {
    if (Array.isArray(v)) v.forEach((x, i) => emit([...p, i], x));
    else if (isObject(v)) for (const k of Object.keys(v)) emit([...p, k], v[k]);
  },
);

/** `recurse(f; cond)`; with `f` null, the children of arrays and objects (`recurse`, `..`). */
export function recurseWith(fArg: Filter | null, cond: Filter | null): Filter {
  const f = fArg ?? childrenOpt;
  const walk = (v: unknown, e: Env, emit: (v: unknown) => void): void => {
    tick();
    emit(v);
    enterCall();
    try {
      f.gen(v, e, (x) => { if (!cond || truthy(firstOf(cond, x, e, false))) walk(x, e, emit); });
    } finally { leaveCall(); }
  };
  const walkPaths = (v: unknown, e: Env, p: unknown[], emit: (p: unknown[], v: unknown) => void): void => {
    tick();
    emit(p, v);
    if (!f.paths) fail('Invalid path expression');
    enterCall();
    try {
      f.paths(v, e, p, (pp, x) => { if (!cond || truthy(firstOf(cond, x, e, false))) walkPaths(x, e, pp, emit); });
    } finally { leaveCall(); }
  };
  return fromGen(walk, walkPaths);
}

function range(emit: (v: unknown) => void, from: unknown, upto: unknown, by: unknown): void {
  if (typeof from !== 'number' || typeof upto !== 'number' || typeof by !== 'number') fail('Range bounds must be numeric');
  const [a, b, s] = [from as number, upto as number, by as number];
  // jq 1.6 defines range/3 with `while`: a step of 0 (or NaN) satisfies neither bound test, so it yields nothing.
  if (s > 0) for (let x = a; x < b; x += s) { tick(); emit(x); }
  else if (s < 0) for (let x = a; x > b; x += s) { tick(); emit(x); }
}

/**
 * jq's recursive `until`/`while` (`def _until: if cond then . else (update | _until) end`), run on an explicit
 * stack so thousands of iterations do not overflow the JS one; outputs come in the recursive order. `onCond`
 * turns each output of `cond` for `v` into what to do next: emit `v`, expand `update` on it, or both.
 */
type Step = { emit: unknown } | { expand: unknown };

function loop(cond: Filter, update: Filter, onCond: (v: unknown, c: unknown) => Step[]): Filter {
  return fromGen((i, e, emit) => {
    const stack: (Step | { visit: unknown })[] = [{ visit: i }];
    while (stack.length > 0) {
      const step = stack.pop()!;
      tick();
      if ('emit' in step) { emit(step.emit); continue; }
      const todo: (Step | { visit: unknown })[] = [];
      if ('visit' in step) cond.gen(step.visit, e, (c) => { todo.push(...onCond(step.visit, c)); });
      else update.gen(step.expand, e, (u) => { todo.push({ visit: u }); });
      for (let j = todo.length - 1; j >= 0; j--) stack.push(todo[j]);
    }
  });
}

function rangeBuiltin(args: Filter[]): Filter {
  const bounds = cartesianInOrder(args, (v) => v);
  return fromGen((i, e, emit) => bounds.gen(i, e, (b) => {
    const v = b as unknown[];
    if (v.length === 1) range(emit, 0, v[0], 1);
    else range(emit, v[0], v[1], v.length === 3 ? v[2] : 1);
  }));
}

export function registerFilterBuiltins(): void {
  define('select', 1, ([f]) => fromGen(
    (i, e, emit) => f.gen(i, e, (c) => { if (truthy(c)) emit(i); }),
    (v, e, p, emit) => f.gen(v, e, (c) => { if (truthy(c)) emit(p, v); }),
  ));
  define('map', 1, ([f]) => fromOne((i, e) => {
    const out: unknown[] = [];
    for (const x of iterable(i)) { tick(); f.gen(x, e, (v) => { out.push(v); }); }
    return out;
  }));
  define('recurse', 0, () => recurseWith(null, null));
  define('recurse', 1, ([f]) => recurseWith(f, null));
  define('recurse', 2, ([f, cond]) => recurseWith(f, cond));
  define('range', 1, rangeBuiltin);
  define('range', 2, rangeBuiltin);
  define('range', 3, rangeBuiltin);
  define('first', 1, ([f]) => fromGen((i, e, emit) => { const v = firstOf(f, i, e); if (v !== undefined) emit(v); }));
  define('last', 1, ([f]) => fromGen((i, e, emit) => {
    let last: unknown;
    let any = false;
    f.gen(i, e, (v) => { any = true; last = v; });
    if (any) emit(last);
  }));
  define('isempty', 1, ([f]) => fromOne((i, e) => firstOf(f, i, e) === undefined));
  // jq 1.7 semantics: limit(0; f) is empty (jq 1.6 emitted one output there, a bug); negative n is all of f.
  define('limit', 2, ([n, f]) => fromGen((i, e, emit) => n.gen(i, e, (count) => {
    if (typeof count !== 'number') fail('Invalid limit: not a number');
    if (count <= 0) { if (count < 0) f.gen(i, e, emit); return; }
    const stop = new Stop();
    let seen = 0;
    try {
      f.gen(i, e, (v) => { emit(v); if (++seen >= count) throw stop; });
    } catch (x) { if (x !== stop) throw x; }
  })));
  define('nth', 2, ([n, f]) => fromGen((i, e, emit) => n.gen(i, e, (k) => {
    if (typeof k !== 'number') fail('nth index must be a number');
    if (k < 0) fail('Out of bounds negative array index');
    let seen = 0;
    let found: unknown;
    const stop = new Stop();
    try {
      f.gen(i, e, (v) => { found = v; if (seen++ >= k) throw stop; });
    } catch (x) { if (x !== stop) throw x; }
    if (seen > 0) emit(found);
  })));
  define('until', 2, ([cond, update]) => loop(cond, update, (v, c) => (truthy(c) ? [{ emit: v }] : [{ expand: v }])));
  define('while', 2, ([cond, update]) => loop(cond, update, (v, c) => (truthy(c) ? [{ emit: v }, { expand: v }] : [])));
  define('repeat', 1, ([f]) => fromGen((i, e, emit) => {
    // As jq 1.6 does (the reference binary): `f` is applied to the original input each round.
    for (;;) { tick(); f.gen(i, e, emit); }
  }));
  define('any', 1, ([f]) => fromOne((i, e) => iterable(i).some((x) => anyTruthy(f, x, e))));
  define('all', 1, ([f]) => fromOne((i, e) => iterable(i).every((x) => allTruthy(f, x, e))));
  define('any', 2, ([g, cond]) => fromOne((i, e) => {
    const stop = new Stop();
    try { g.gen(i, e, (x) => cond.gen(x, e, (c) => { if (truthy(c)) throw stop; })); } catch (x) { if (x !== stop) throw x; return true; }
    return false;
  }));
  define('all', 2, ([g, cond]) => fromOne((i, e) => {
    const stop = new Stop();
    try { g.gen(i, e, (x) => cond.gen(x, e, (c) => { if (!truthy(c)) throw stop; })); } catch (x) { if (x !== stop) throw x; return false; }
    return true;
  }));
  define('IN', 1, ([s]) => fromOne((i, e) => {
    const stop = new Stop();
    try { s.gen(i, e, (x) => { if (equals(x, i)) throw stop; }); } catch (x) { if (x !== stop) throw x; return true; }
    return false;
  }));
  // jq 1.6: `def IN(src; s): any(src == s; .)`, both over the input.
  define('IN', 2, ([src, s]) => fromOne((i, e) => {
    const stop = new Stop();
    try { s.gen(i, e, (y) => src.gen(i, e, (x) => { if (equals(x, y)) throw stop; })); } catch (x) { if (x !== stop) throw x; return true; }
    return false;
  }));
  define('in', 1, ([f]) => fromGen((i, e, emit) => f.gen(i, e, (obj) => {
    if (isObject(obj) && typeof i === 'string') emit(Object.hasOwn(obj, i));
    else if (Array.isArray(obj) && typeof i === 'number') emit(i >= 0 && i < obj.length);
    else fail(`Cannot check whether ${typeOf(obj)} has a ${typeOf(i)} key`);
  })));
  define('sort_by', 1, ([f]) => fromOne((i, e) => keyed(i, f, e, 'sort').map((x) => x.x)));
  define('group_by', 1, ([f]) => fromOne((i, e) => {
    const out: unknown[][] = [];
    let prev: unknown[] | null = null;
    for (const { x, k } of keyed(i, f, e, 'group')) {
      if (prev && compare(prev, k) === 0) out[out.length - 1].push(x);
      else out.push([x]);
      prev = k;
    }
    return out;
  }));
  define('unique_by', 1, ([f]) => fromOne((i, e) => {
    const out: unknown[] = [];
    let prev: unknown[] | null = null;
    for (const { x, k } of keyed(i, f, e, 'unique')) {
      if (!prev || compare(prev, k) !== 0) out.push(x);
      prev = k;
    }
    return out;
  }));
  define('min_by', 1, ([f]) => fromOne((i, e) => { const s = keyed(i, f, e, 'min'); return s.length ? s[0].x : null; }));
  define('max_by', 1, ([f]) => fromOne((i, e) => {
    const s = keyed(i, f, e, 'max');
    return s.length ? s[s.length - 1].x : null;
  }));
  define('with_entries', 1, ([f]) => fromOne((i, e) => {
    const entries = isObject(i) ? Object.keys(i).map((key) => ({ key, value: i[key] })) : Array.isArray(i) ? i.map((value, key) => ({ key, value })) : fail(`${typeOf(i)} has no keys`);
    const mapped: unknown[] = [];
    for (const en of entries) { tick(); f.gen(en, e, (v) => { mapped.push(v); }); }
    return fromEntries(mapped);
  }));
  define('walk', 1, ([f]) => {
    const walk = (v: unknown, e: Env, emit: (v: unknown) => void): void => {
      tick();
      enterCall();
      try {
        if (Array.isArray(v)) {
          const out: unknown[] = [];
          for (const x of v) walk(x, e, (y) => { out.push(y); });
          f.gen(out, e, emit);
        } else if (isObject(v)) {
          // jq 1.6 builds the object with `reduce`: a value whose walk is empty resets the object to null.
          let out: Record<string, unknown> | null = {};
          for (const k of Object.keys(v)) {
            let last: unknown;
            let any = false;
            walk(v[k], e, (y) => { last = y; any = true; });
            if (!any) { out = null; continue; }
            out ??= {};
            setKey(out, k, last);
          }
          f.gen(out, e, emit);
        } else {
          f.gen(v, e, emit);
        }
      } finally { leaveCall(); }
    };
    return fromGen(walk);
  });
}

function anyTruthy(f: Filter, x: unknown, e: Env): boolean {
  let found = false;
  f.gen(x, e, (v) => { if (truthy(v)) found = true; });
  return found;
}

function allTruthy(f: Filter, x: unknown, e: Env): boolean {
  let ok = true;
  f.gen(x, e, (v) => { if (!truthy(v)) ok = false; });
  return ok;
}
