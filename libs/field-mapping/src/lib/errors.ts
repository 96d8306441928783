/**
 * The one error class of `@mts/field-mapping`. Match on `code`, not only `instanceof`.
 *
 * Codes are MTS's where callers see them (e.g. `ATS-REQ-103` for an outputFormat that does not compile)
 * and stable once released. Messages never carry record values or secrets.
 *
 * @example
 * ```ts
 * try { compileOutputFormat('.output |'); }
 * catch (e) { if (e instanceof FieldMappingError && e.code === 'ATS-REQ-103') reply(400, e.message); }
 * ```
 */
export class FieldMappingError extends Error {
  readonly code: string;
  /** Whether the same call could succeed if simply retried; false for every input problem. */
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FieldMappingError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
