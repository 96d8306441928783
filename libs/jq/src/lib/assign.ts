/** `=`, `|=`, `+=` … `//=`, with jq 1.6's semantics (`|=` takes the first output; no output deletes the path). */
import { fail } from './errors.js';
import { Stop, fromGen, type Env, type Filter } from './filter.js';
import { add, divide, modulo, multiply, subtract } from './operators.js';
import { delPaths, getPath, setPath } from './paths.js';
import { truthy } from './values.js';

const ARITH: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+=': add, '-=': subtract, '*=': multiply, '/=': divide, '%=': modulo,
  '//=': (a, b) => (truthy(a) ? a : b),
};

function collectPaths(lhs: Filter, input: unknown, env: Env): unknown[][] {
  if (!lhs.paths) return fail('Invalid path expression');
  const out: unknown[][] = [];
  lhs.paths(input, env, [], (p) => { out.push(p); });
  return out;
}

function firstOutput(f: Filter, v: unknown, env: Env): { found: boolean; value: unknown } {
  if (f.one) return { found: true, value: f.one(v, env) };
  const stop = new Stop();
  let value: unknown;
  let found = false;
  try {
    f.gen(v, env, (x) => { value = x; found = true; throw stop; });
  } catch (x) {
    if (x !== stop) throw x;
  }
  return { found, value };
}

export function compileAssign(op: string, lhs: Filter, rhs: Filter): Filter {
  if (op === '|=') {
    return fromGen((i, e, emit) => {
      let acc = i;
      for (const p of collectPaths(lhs, i, e)) {
        const r = firstOutput(rhs, getPath(acc, p), e);
        acc = r.found ? setPath(acc, p, r.value) : delPaths(acc, [p]);
      }
      emit(acc);
    });
  }
  const combine = op === '=' ? null : ARITH[op];
  return fromGen((i, e, emit) => rhs.gen(i, e, (x) => {
    let acc = i;
    for (const p of collectPaths(lhs, i, e)) acc = setPath(acc, p, combine ? combine(getPath(acc, p), x) : x);
    emit(acc);
  }));
}
