import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { schemaIssues } from './schema-issues.js';
import type { EnvelopeIssue, JsonSchema } from './parts.js';

/**
 * Values (objects, arrays and scalars) an envelope may hold for every schema error to be looked for. Past it only
 * the first error is: with ajv's `allErrors` every bad value is one error object, so a body of a million bad values
 * would cost a million of them before any could be dropped.
 */
export const MAX_VALUES_FOR_ALL_ERRORS = 10_000;

/** A compiled envelope schema: the 422 issues of a value, `[]` when it conforms. */
export type SchemaCheck = (value: unknown) => EnvelopeIssue[];

/**
 * Compiles schemas into checks whose work is bounded by the value's size, not by its number of errors: a value is
 * first checked up to its first error; only a failing value of at most {@link MAX_VALUES_FOR_ALL_ERRORS} values is
 * checked again for all of them (MTS, as pydantic, lists every problem), and the list is capped by `schemaIssues`.
 */
export function createSchemaCompiler(): (schema: JsonSchema) => SchemaCheck {
  const [first, every] = [newAjv({ allErrors: false }), newAjv({ allErrors: true })];
  return (schema) => {
    let all: ValidateFunction | undefined;
    const firstError = first.compile(schema);
    return (value) => {
      if (firstError(value)) return [];
      if (!withinValues(value, MAX_VALUES_FOR_ALL_ERRORS)) return [...schemaIssues(firstError.errors ?? []), notAllChecked()];
      all ??= every.compile(schema);
      all(value);
      return schemaIssues(all.errors ?? []);
    };
  };
}

function newAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...options, allowUnionTypes: true, strict: true });
  // pydantic's AnyUrl: a scheme, `://` and a host.
  ajv.addFormat('uri', (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+/.test(s) && URL.canParse(s));
  return ajv;
}

/** Whether `value` holds at most `limit` values; stops counting once past it (the walk is bounded too). */
function withinValues(value: unknown, limit: number): boolean {
  const stack: unknown[] = [value];
  let seen = 1;
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (++seen > limit) return false;
      stack.push(child);
    }
  }
  return true;
}

const notAllChecked = (): EnvelopeIssue => ({
  errorCode: 'ATS-REQ-102',
  errorMessage: `Invalid Input. more issues may follow: an envelope of over ${MAX_VALUES_FOR_ALL_ERRORS} values is checked up to its first issue`,
  httpStatus: 422,
});
