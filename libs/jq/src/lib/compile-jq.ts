import { compile } from './compile.js';
import { JqBudgetExceeded, JqError, JqThrow, UserError } from './errors.js';
import { Downstream, Stop, type Filter } from './filter.js';
import { parse } from './parser.js';
import { DEFAULT_BUDGET, beginEvaluation, chargeResult, printable, type Budget } from './runtime.js';
import { typeOf } from './values.js';

/** Options of {@link compileJq}: the per-input budget that stops a runaway expression. */
export interface JqOptions {
  /** Work units per input (iterations, calls, elements built). Default 1,000,000. */
  maxSteps?: number;
  /** Nesting of recursive calls. Default 400. */
  maxDepth?: number;
}

/** A compiled jq program: every output for one input, in order. Throws `JqError` (`JQ_RUNTIME`, `JQ_BUDGET`). */
export type JqProgram = (input: unknown) => unknown[];

/** A compiled jq program that stops at its first output: `undefined` when there is none. Throws like {@link JqProgram}. */
export type JqFirstProgram = (input: unknown) => unknown;

const MAX_EXPRESSION = 65_536;

/** Parses and compiles; throws `JqError` `JQ_PARSE` / `JQ_FORBIDDEN`. */
export function compileFilter(expression: string): Filter {
  if (typeof expression !== 'string') throw new JqError('JQ_PARSE', 'the expression must be a string');
  if (expression.length > MAX_EXPRESSION) throw new JqError('JQ_PARSE', `the expression is longer than ${MAX_EXPRESSION} characters`);
  try {
    return compile(parse(expression));
  } catch (e) {
    // A pathologically nested expression overflows the recursive-descent parser: still just a bad expression.
    if (e instanceof RangeError) throw new JqError('JQ_PARSE', 'the expression nests too deeply');
    throw e;
  }
}

/** Turns whatever escaped an evaluation into a `JqError` whose message carries no data values. */
export function toJqError(e: unknown): unknown {
  if (e instanceof JqThrow) {
    const v = e.value;
    // Our own messages are data-free strings; a value passed to error(...) may hold record data, so only its type is named.
    return new JqError('JQ_RUNTIME', e instanceof UserError ? `error(${typeOf(v)}) raised by the expression` : String(v));
  }
  if (e instanceof JqBudgetExceeded) return new JqError('JQ_BUDGET', e.message);
  if (e instanceof RangeError) return new JqError('JQ_BUDGET', 'evaluation exceeded the stack');
  if (e instanceof Downstream) return toJqError(e.inner);
  if (e instanceof Stop) return new JqError('JQ_RUNTIME', `break without a matching label`);
  return e;
}

/**
 * Compiles a jq expression once; the result evaluates it per input with jq's generator semantics.
 * Sandboxed: no `env`/`$ENV`, `input(s)`, `debug`, modules or clock; each evaluation has a step budget.
 *
 * @example
 * ```ts
 * const run = compileJq('.people[] | select(.age >= 18) | .name');
 * run({ people: [{ name: 'A', age: 20 }, { name: 'B', age: 9 }] }); // ['A']
 * ```
 */
export function compileJq(expression: string, options: JqOptions = {}): JqProgram {
  const f = compileFilter(expression);
  const budget: Budget = { ...DEFAULT_BUDGET, ...options };
  return (input) => {
    const out: unknown[] = [];
    beginEvaluation(budget);
    try {
      if (f.one) {
        const v = f.one(input, null);
        out.push(chargeResult(v) ? printable(v) : v);
      } else f.gen(input, null, (v) => { out.push(chargeResult(v) ? printable(v) : v); });
    } catch (e) {
      throw toJqError(e);
    }
    return out;
  };
}

/**
 * Like {@link compileJq}, but the program returns the first output only (`undefined` when there is none) and
 * stops the expression there, so `.[] | f` does no work past the first result. This is what an MTS
 * `outputFormat` runs.
 *
 * @example
 * ```ts
 * compileJqFirst('.[] | select(. > 1)')([1, 2, 3]); // 2
 * ```
 */
export function compileJqFirst(expression: string, options: JqOptions = {}): JqFirstProgram {
  const f = compileFilter(expression);
  const budget: Budget = { ...DEFAULT_BUDGET, ...options };
  const one = f.one;
  if (one) {
    return (input) => {
      beginEvaluation(budget);
      try {
        const out = one(input, null);
        return chargeResult(out) ? printable(out) : out;
      } catch (e) { throw toJqError(e); }
    };
  }
  return (input) => {
    beginEvaluation(budget);
    const stop = new Stop();
    let first: unknown;
    try {
      f.gen(input, null, (v) => { first = v; throw stop; });
    } catch (e) {
      if (e !== stop) throw toJqError(e);
    }
    try {
      return chargeResult(first) ? printable(first) : first;
    } catch (e) { throw toJqError(e); }
  };
}
