import { JqThrow } from './errors.js';

/** The compiled form: closures over (input, env), in callback style so no iterator is allocated per output. */

/** Runtime frames: `$var` values and closure parameters, innermost first; positions are fixed at compile time. */
export type Env = { readonly v: unknown; readonly next: Env } | null;
export type Emit = (v: unknown) => void;
/** Every output, in order, through `emit`. */
export type Gen = (input: unknown, env: Env, emit: Emit) => void;
/** Fast path for expressions known to yield exactly one output (or throw). */
export type One = (input: unknown, env: Env) => unknown;
export type PathEmit = (path: unknown[], value: unknown) => void;
/** Path mode, for `path()`, `del()` and assignments: each output's path from the root and its value. */
export type PathGen = (value: unknown, env: Env, path: unknown[], emit: PathEmit) => void;

export interface Filter {
  gen: Gen;
  one: One | null;
  paths: PathGen | null;
}

/** A filter argument bound to the frames it was written in. */
export interface Closure {
  f: Filter;
  env: Env;
}

export function fromOne(one: One, paths: PathGen | null = null): Filter {
  return { gen: (input, env, emit) => emit(one(input, env)), one, paths };
}

export function fromGen(gen: Gen, paths: PathGen | null = null): Filter {
  return { gen, one: null, paths };
}

export function walkEnv(env: Env, steps: number): Env {
  let e = env;
  for (let i = 0; i < steps; i++) e = e!.next;
  return e;
}

/** An error thrown downstream of a `try`/`//`/`?` body: that construct must let it through untouched. */
export class Downstream {
  constructor(readonly inner: unknown, readonly owner: object) {}
}

/** Wraps `emit` so errors from later pipeline stages are marked as not belonging to `owner`. */
export function guardEmit(emit: Emit, owner: object): Emit {
  return (v) => {
    try {
      emit(v);
    } catch (e) {
      throw e instanceof Downstream ? e : new Downstream(e, owner);
    }
  };
}

/** Stops a generator early (`first`, `limit`, `label`/`break`); never caught by `try`. */
export class Stop {
  constructor(readonly label: string = '') {}
}

/** Runs `body`, swallowing its own jq errors (not later stages'); returns whether it stopped on an error. */
export function runGuarded(g: Filter['gen'], i: unknown, e: Env, emit: Emit, onError: (err: JqThrow) => void): void {
  const owner = {};
  try {
    g(i, e, guardEmit(emit, owner));
  } catch (x) {
    if (x instanceof Downstream) throw x.owner === owner ? x.inner : x;
    if (!(x instanceof JqThrow)) throw x;
    onError(x);
  }
}

/** Combinations with the first part varying slowest (object construction, slices, builtin arguments). */
export function cartesianInOrder(parts: Filter[], make: (vals: unknown[]) => unknown): Filter {
  if (parts.every((p) => p.one)) {
    const os = parts.map((p) => p.one!);
    return fromOne((i, e) => make(os.map((o) => o(i, e))));
  }
  return fromGen((i, e, emit) => {
    const vals = new Array<unknown>(parts.length);
    const go = (j: number): void => {
      if (j === parts.length) { emit(make(vals.slice())); return; }
      parts[j].gen(i, e, (v) => { vals[j] = v; go(j + 1); });
    };
    go(0);
  });
}

