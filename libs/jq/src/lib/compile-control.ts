/** Operators and control constructs: arithmetic and comparison, `and`/`or`, `//`, `if`, `try`. */
import { fromGen, fromOne, runGuarded, type Filter, type PathGen } from './filter.js';
import { add, divide, modulo, multiply, subtract } from './operators.js';
import { compare, equals, truthy } from './values.js';

const BINOPS: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': add, '-': subtract, '*': multiply, '/': divide, '%': modulo,
  '==': (a, b) => equals(a, b), '!=': (a, b) => !equals(a, b),
  '<': (a, b) => compare(a, b) < 0, '<=': (a, b) => compare(a, b) <= 0,
  '>': (a, b) => compare(a, b) > 0, '>=': (a, b) => compare(a, b) >= 0,
};

export function compileBinop(op: string, l: Filter, r: Filter): Filter {
  const f = BINOPS[op];
  const lo = l.one;
  const ro = r.one;
  if (lo && ro) return fromOne((i, e) => { const b = ro(i, e); return f(lo(i, e), b); });
  return fromGen((i, e, emit) => r.gen(i, e, (b) => l.gen(i, e, (a) => emit(f(a, b)))));
}

export function compileLogic(kind: 'and' | 'or', l: Filter, r: Filter): Filter {
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
export function compileAlt(l: Filter, r: Filter): Filter {
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

export function compileIf(c: Filter, t: Filter, f: Filter): Filter {
  const co = c.one;
  const to = t.one;
  const fo = f.one;
  const paths: PathGen | null = t.paths && f.paths && ((v, e, p, emit) => c.gen(v, e, (x) => (truthy(x) ? t.paths! : f.paths!)(v, e, p, emit)));
  if (co && to && fo) return fromOne((i, e) => (truthy(co(i, e)) ? to(i, e) : fo(i, e)), paths);
  return fromGen((i, e, emit) => c.gen(i, e, (x) => (truthy(x) ? t : f).gen(i, e, emit)), paths);
}

// No single-output fast path: jq 1.6 turns a caught `error(null)` into no output at all.
export function compileTry(body: Filter, handler: Filter | null): Filter {
  const paths: PathGen | null = body.paths && ((v, e, p, emit) => {
    runGuarded((i, env, em) => body.paths!(i, env, p, (pp, vv) => em([pp, vv])), v, e, (pair) => emit(...(pair as [unknown[], unknown])), () => undefined);
  });
  return fromGen((i, e, emit) => {
    runGuarded(body.gen, i, e, emit, (err) => {
      // jq 1.6: `error(null)` is not caught into a value.
      if (handler && err.value !== null) handler.gen(err.value, e, emit);
    });
  }, paths);
}

