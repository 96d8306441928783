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

export function enterCall(): void {
  if (++callDepth > maxDepth) throw new JqBudgetExceeded('evaluation exceeded its recursion depth');
  tick();
}

export function leaveCall(): void {
  callDepth--;
}
