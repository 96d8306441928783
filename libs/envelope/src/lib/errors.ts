/** Codes of {@link EnvelopeError}: misuse of the validator, never a problem with a caller's envelope. */
export type EnvelopeErrorCode = 'ENVELOPE_UNKNOWN_KIND' | 'ENVELOPE_INVALID_PARTS';

/**
 * The one error class of `@mts/envelope`. Envelope problems are data (`EnvelopeIssue[]`), not throws: this is
 * thrown only for a programming error (an unregistered kind, two parts with the same kind). Match on `code`.
 *
 * @example
 * ```ts
 * try { validateEnvelope('xml' as never, body); } catch (e) { if (e instanceof EnvelopeError) e.code; } // 'ENVELOPE_UNKNOWN_KIND'
 * ```
 */
export class EnvelopeError extends Error {
  readonly code: EnvelopeErrorCode;
  /** Always false: the same call fails the same way. */
  readonly retryable = false;

  constructor(code: EnvelopeErrorCode, message: string) {
    super(message);
    this.name = 'EnvelopeError';
    this.code = code;
  }
}
