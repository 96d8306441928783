/** The builtin table, keyed `name/arity`, and helpers to fill it. */
import { cartesianInOrder, fromGen, fromOne, type Filter } from './filter.js';

export type BuiltinFactory = (args: Filter[]) => Filter;

const TABLE = new Map<string, BuiltinFactory>();

/** Registers a builtin; used by the builtins-*.ts modules. */
export function define(name: string, arity: number, factory: BuiltinFactory): void {
  TABLE.set(`${name}/${arity}`, factory);
}

/** A builtin of the input alone: one output per input. */
export function defineValue(name: string, f: (input: unknown) => unknown): void {
  define(name, 0, () => fromOne((i) => f(i)));
}

/**
 * A builtin whose arguments are values (`$x` parameters): every combination of their outputs, the first
 * argument varying slowest as in jq; one output per combination.
 */
export function defineValueArgs(name: string, arity: number, f: (input: unknown, ...args: unknown[]) => unknown): void {
  define(name, arity, (args) => {
    if (arity === 1 && args[0].one) {
      const a = args[0].one;
      return fromOne((i, e) => f(i, a(i, e)));
    }
    const combos = cartesianInOrder(args, (vals) => vals);
    if (combos.one) {
      const c = combos.one;
      return fromOne((i, e) => f(i, ...(c(i, e) as unknown[])));
    }
    return fromGen((i, e, emit) => combos.gen(i, e, (vals) => emit(f(i, ...(vals as unknown[])))));
  });
}

export function lookupBuiltin(name: string, arity: number): BuiltinFactory | undefined {
  return TABLE.get(`${name}/${arity}`);
}

