/** Stable codes of the jq engine. */
export type JqErrorCode =
  /** The expression does not parse, or calls a function that does not exist. */
  | 'JQ_PARSE'
  /** The expression uses something deliberately absent (`env`, `$ENV`, `input`, `debug`, `import`…). */
  | 'JQ_FORBIDDEN'
  /** Evaluation failed on this input: a type error, `error(…)`, a bad regex, a number that does not parse. */
  | 'JQ_RUNTIME'
  /** Evaluation went past its step, depth or size budget (a runaway template, not a data problem). */
  | 'JQ_BUDGET';

/**
 * The one error class of `@mts/jq`: compile-time (`JQ_PARSE`, `JQ_FORBIDDEN`) or per input (`JQ_RUNTIME`,
 * `JQ_BUDGET`). Match on `code`. Messages name types, keys from the expression and positions, never values
 * from the data. Never `retryable`: the same expression on the same input fails the same way.
 *
 * @example
 * ```ts
 * try { compileJq('.a | tonumber')({ a: 'x' }); }
 * catch (e) { if (e instanceof JqError && e.code === 'JQ_RUNTIME') recordError(e.code, e.message); }
 * ```
 */
export class JqError extends Error {
  readonly code: JqErrorCode;
  readonly retryable: boolean = false;

  constructor(code: JqErrorCode, message: string) {
    super(message);
    this.name = 'JqError';
    this.code = code;
  }
}

/**
 * A jq-level error raised while evaluating: what `try … catch` sees. Not an `Error` on purpose: templates
 * use `?` and `//` on every record, and capturing a stack trace each time would dominate the cost.
 * `value` is what `catch` receives (for our own errors, a data-free message string).
 */
export class JqThrow {
  constructor(readonly value: unknown) {}
}

/** Raised by jq's `error`: its value may come from the data, so it never reaches a message. */
export class UserError extends JqThrow {}

/** Raised for budget exhaustion; `try` and `?` never catch it, so a runaway template always stops. */
export class JqBudgetExceeded {
  constructor(readonly message: string) {}
}

/** A jq runtime error with a data-free message. */
export function fail(message: string): never {
  throw new JqThrow(message);
}
