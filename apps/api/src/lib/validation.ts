import { coerceMtsScalars } from '@mts/envelope';
import { DEFAULT_MAX_DEPTH, exceedsJsonDepth } from '@mts/parsers';
import { ApiError } from './errors.js';
import type { EnvelopeIssue, EnvelopePort } from './ports.js';

/** Turns validateEnvelope's issues into one ApiError (all issues in `errors`), or nothing when valid. */
export function issuesToError(issues: EnvelopeIssue[]): ApiError | null {
  if (issues.length === 0) return null;
  const [first, ...rest] = issues;
  return new ApiError(first.errorCode, first.errorMessage, {
    schema: first.httpStatus === 422,
    more: rest.map(({ errorCode, errorMessage }) => ({ errorCode, errorMessage })),
  });
}

/** MTS's answer to a submission without a body (or a csv form without its `request` field), 400 ATS-REQ-102. */
export const MISSING_BODY = 'invalid input. missing request body';

/**
 * `request.lang` as MTS reads it: an empty one means the configured default language (MTS: `if not request.lang`),
 * so it is dropped here rather than kept as a language of its own (the mapper would then fall back to `eng`).
 */
export function dropEmptyLang(request: Record<string, unknown>): Record<string, unknown> {
  if (request.lang === '') delete request.lang;
  return request;
}

/**
 * Validates a submission envelope and compiles its outputFormat (invalid jq → ATS-REQ-103), throwing ApiError.
 * Returns the `request` object. `expand` rewrites the issues found (streamed records stand in for the real ones).
 */
export function checkSubmission(
  port: EnvelopePort,
  kind: string,
  received: unknown,
  options: { expand?: (issues: EnvelopeIssue[]) => EnvelopeIssue[] } = {},
): Record<string, unknown> {
  if (received === undefined || received === null || received === '') {
    throw new ApiError('ATS-REQ-102', MISSING_BODY);
  }
  // Numbers and booleans where MTS (pydantic 1) takes text are turned into text first, as MTS does.
  const body = coerceMtsScalars(received);
  const issues = port.validate(kind, body);
  const error = issuesToError(options.expand && issues.length > 0 ? options.expand(issues) : issues);
  if (error) throw error;
  const request = dropEmptyLang((body as { request: Record<string, unknown> }).request);
  try {
    port.compileOutputFormat(request.outputFormat);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ATS-REQ-103') throw new ApiError('ATS-REQ-103', 'Invalid Input. outputFormat is not a valid expression');
    throw err;
  }
  return request;
}

/** A JSON body or field nested past {@link DEFAULT_MAX_DEPTH}: refused where it enters, as malformed JSON is (422). */
export const tooDeep = () => new ApiError('ATS-REQ-102', `Invalid Input. JSON nests arrays/objects deeper than ${DEFAULT_MAX_DEPTH} levels`, { schema: true });

/** Returns `value`, or throws {@link tooDeep} when it nests past the limit. */
export function withinDepth<T>(value: T): T {
  if (exceedsJsonDepth(value, DEFAULT_MAX_DEPTH)) throw tooDeep();
  return value;
}
