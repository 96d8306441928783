/** Path builtins: `path`, `paths`, `leaf_paths`, `getpath`, `setpath`, `delpaths`, `del`, `map_values`. */
import { fail } from './errors.js';
import { fromGen, fromOne, type Env, type Filter, type PathEmit } from './filter.js';
import { compileAssign } from './assign.js';
import { delPaths, getPath, setPath } from './paths.js';
import { define, defineValueArgs } from './registry.js';
import { recurseWith } from './builtins-filters.js';
import { truthy } from './values.js';

/** Every path `f` designates in `input` (jq's `path(f)`). */
export function pathsOf(f: Filter, input: unknown, env: Env, emit: PathEmit): void {
  if (!f.paths) fail('Invalid path expression');
  f.paths(input, env, [], emit);
}

const everything = recurseWith(null, null);

function allPaths(input: unknown, env: Env, emit: PathEmit): void {
  pathsOf(everything, input, env, (p, v) => { if (p.length > 0) emit(p, v); });
}

export function registerPathBuiltins(): void {
  define('path', 1, ([f]) => fromGen((i, e, emit) => pathsOf(f, i, e, (p) => emit(p))));
  define('paths', 0, () => fromGen((i, e, emit) => allPaths(i, e, (p) => emit(p))));
  define('paths', 1, ([f]) => fromGen((i, e, emit) => allPaths(i, e, (p, v) => f.gen(v, e, (c) => { if (truthy(c)) emit(p); }))));
  // jq 1.6: `paths(scalars)`, so null and false leaves select nothing.
  define('leaf_paths', 0, () => fromGen((i, e, emit) => allPaths(i, e, (p, v) => { if (typeof v !== 'object' && truthy(v)) emit(p); })));
  define('getpath', 1, ([p]) => fromGen(
    (i, e, emit) => p.gen(i, e, (path) => emit(getPath(i, path))),
    (v, e, base, emit) => p.gen(v, e, (path) => emit([...base, ...(path as unknown[])], getPath(v, path))),
  ));
  defineValueArgs('setpath', 2, (v, path, x) => setPath(v, path, x));
  defineValueArgs('delpaths', 1, delPaths);
  define('del', 1, ([f]) => fromOne((i, e) => {
    const ps: unknown[] = [];
    pathsOf(f, i, e, (p) => { ps.push(p); });
    return delPaths(i, ps);
  }));
  const iterate: Filter = { gen: () => undefined, one: null, paths: (v, _e, p, emit) => {
    if (Array.isArray(v)) v.forEach((x, i) => emit([...p, i], x));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) emit([...p, k], (v as Record<string, unknown>)[k]);
    else if (v !== null && v !== undefined) fail('Cannot iterate over this value');
  } };
  define('map_values', 1, ([f]) => compileAssign('|=', iterate, f));
}
