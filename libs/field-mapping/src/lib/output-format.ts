import { compileJqFirst, JqError, type JqOptions } from '@mts/jq';
import { FieldMappingError } from './errors.js';

/** MTS's default result record, in MTS's key order. `status` is the record status (`processed`, `error`, …). */
export interface DefaultOutputRecord {
  vid: string | null;
  status: string;
  token: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** What an `outputFormat` is evaluated over: the record as received and the default result record. */
export interface OutputContext {
  input: unknown;
  output: DefaultOutputRecord;
}

/**
 * A compiled `outputFormat`: the first result of the expression over `{ input, output }` (MTS semantics),
 * `null` when the expression yields nothing. Throws `JqError` (`JQ_RUNTIME`, `JQ_BUDGET`) for this record only.
 */
export type OutputTemplate = (ctx: OutputContext) => unknown;

const identity: OutputTemplate = (ctx) => ctx.output;

/**
 * Compiles a request's `outputFormat` once, at submission. `false`, `null`, `undefined` and a blank string
 * mean "no template": the default record is returned as is. The expression is sandboxed jq (`@mts/jq`).
 *
 * @throws FieldMappingError `ATS-REQ-103` when the expression does not compile or uses a forbidden builtin.
 * @example
 * ```ts
 * const template = compileOutputFormat('{ pcn: .input.vid, authToken: .output.token }');
 * template({ input: { vid: '123' }, output: { vid: '123', status: 'processed', token: 'T', errorCode: null, errorMessage: null } });
 * // { pcn: '123', authToken: 'T' }
 * ```
 */
export function compileOutputFormat(expr: string | false | null | undefined, options: JqOptions = {}): OutputTemplate {
  if (expr === false || expr === null || expr === undefined) return identity;
  if (typeof expr !== 'string') throw new FieldMappingError('ATS-REQ-103', 'outputFormat must be a jq expression string or false');
  if (expr.trim() === '') return identity;
  let first: (input: unknown) => unknown;
  try {
    first = compileJqFirst(expr, options);
  } catch (e) {
    if (e instanceof JqError) throw new FieldMappingError('ATS-REQ-103', `outputFormat is not a valid jq expression: ${e.message}`, { cause: e });
    throw e;
  }
  return (ctx) => {
    const out = first(ctx);
    return out === undefined ? null : out;
  };
}
