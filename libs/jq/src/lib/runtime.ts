/**
 * Per-evaluation budget. Evaluation is synchronous and never re-entrant, so one module-level counter is
 * safe and costs nothing to pass around; `beginEvaluation` resets it before each input.
 */
import { JqBudgetExceeded } from './errors.js';

let stepsLeft = 0;
let callDepth = 0;
let maxDepth = 0;

export interface Budget {
  /** Work units per evaluation: iterations, recursive calls, and elements/characters built. */
  maxSteps: number;
  /** Nesting of jq function calls (user `def`s, `recurse`, `walk`). */
  maxDepth: number;
}

export const DEFAULT_BUDGET: Budget = { maxSteps: 1_000_000, maxDepth: 400 };

export function beginEvaluation(budget: Budget): void {
  stepsLeft = budget.maxSteps;
  maxDepth = budget.maxDepth;
  callDepth = 0;
}

/** One unit of work (an iteration, a call). */
export function tick(): void {
  if (--stepsLeft < 0) throw new JqBudgetExceeded('evaluation exceeded its step budget');
}

/** `n` units of work at once (elements or characters about to be built). */
export function charge(n: number): void {
  stepsLeft -= n;
  if (stepsLeft < 0) throw new JqBudgetExceeded('evaluation exceeded its step budget');
}

/** Past this nesting a result is refused: writers serialise with `JSON.stringify`, which overflows the stack near 5,000. */
export const MAX_RESULT_DEPTH = 512;

/**
 * Charges a result's serialised size (one step per node, one per character of strings and keys) before it
 * leaves the sandbox. Values built within budget can share structure (`[., .]` twenty times is 40 steps and 2^20
 * leaves), and the caller's writer would pay for every copy outside any budget. Iterative, so depth is checked
 * rather than overflowing the stack.
 */
export function chargeResult(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'string') charge(v.length);
    return v === Infinity || v === -Infinity;
  }
  let infinite = false;
  const stack: unknown[] = [v];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const x = stack.pop();
    const depth = depths.pop()!;
    if (--stepsLeft < 0) throw new JqBudgetExceeded('the result exceeds the step budget once serialised');
    if (typeof x === 'string') { charge(x.length); continue; }
    if (x === Infinity || x === -Infinity) infinite = true;
    if (typeof x !== 'object' || x === null) continue;
    if (depth > MAX_RESULT_DEPTH) throw new JqBudgetExceeded(`the result nests deeper than ${MAX_RESULT_DEPTH} levels`);
    if (Array.isArray(x)) {
      for (const y of x) { stack.push(y); depths.push(depth + 1); }
    } else {
      for (const k of Object.keys(x)) {
        charge(k.length);
        stack.push((x as Record<string, unknown>)[k]);
        depths.push(depth + 1);
      }
    }
  }
  return infinite;
}

/**
 * A result as jq prints it: an infinite number becomes the largest finite double of its sign (jq keeps infinities
 * inside an evaluation, `isinfinite` sees them, but prints them so), where JSON.stringify would write `null`.
 * Containers are copied only along the paths that change, so the input's objects are never modified.
 */
export function printable(v: unknown): unknown {
  if (v === Infinity) return Number.MAX_VALUE;
  if (v === -Infinity) return -Number.MAX_VALUE;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const y = printable(v[i]);
      if (y !== v[i]) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    const y = printable(x);
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

export function enterCall(): void {
  if (++callDepth > maxDepth) throw new JqBudgetExceeded('evaluation exceeded its recursion depth');
  tick();
}

export function leaveCall(): void {
  callDepth--;
}
