import { httpStatusForCode } from '@mts/envelope';

/**
 * The one error class of `@mts/api`. `code` is the MTS code the caller sees (`ATS-REQ-016`, …);
 * the HTTP status is never chosen where the error is thrown but looked up once in {@link httpStatusFor}.
 *
 * @example
 * ```ts
 * throw new ApiError('ATS-REQ-016', 'No request found for the given id');
 * ```
 */
export class ApiError extends Error {
  readonly code: string;
  /** Whether the same call could succeed if simply retried. */
  readonly retryable: boolean;
  /** Schema errors (wrong JSON types, malformed body) are MTS's HTTP 422 even though their code is ATS-REQ-102. */
  readonly schema: boolean;
  /** Further errors returned with this one in the same envelope (e.g. one ATS-REQ-102 per schema problem). */
  readonly more: readonly ErrorEntry[];

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; schema?: boolean; more?: readonly ErrorEntry[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.schema = options.schema ?? false;
    this.more = options.more ?? [];
  }

  /** All entries of the envelope's `errors` array, this error first. */
  entries(): ErrorEntry[] {
    return [{ errorCode: this.code, errorMessage: this.message }, ...this.more];
  }
}

/** One item of MTS's `errors` array. */
export interface ErrorEntry {
  errorCode: string;
  errorMessage: string;
}

/**
 * The HTTP status for an error code, from `@mts/envelope`'s one table: ATS-REQ validation codes are 400, schema
 * errors 422, codes from the authenticator (AUT_*) and anything unknown 500.
 *
 * @example httpStatusFor('ATS-REQ-016') // 404
 */
export function httpStatusFor(code: string, options: { schema?: boolean } = {}): number {
  return httpStatusForCode(code, options);
}
