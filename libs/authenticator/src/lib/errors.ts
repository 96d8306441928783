/**
 * Stable codes of `@mts/authenticator`. The `AUT_*` codes are MTS's own; `AUT_CRY_005` and `AUT_CFG_001` are ours.
 * IDA's codes (IDA-xxx-nnn) are never thrown: they come back as data in `AuthResult.errors`.
 */
export const AUTHENTICATOR_ERROR_CODES = {
  /** The IDA encryption certificate cannot be read or parsed. */
  AUT_CRY_001: 'Error parsing encryption certificate',
  /** The signing PKCS#12 cannot be read (missing file, wrong password, no key). */
  AUT_CRY_002: 'Error reading P12 file',
  /** Building or encrypting the request failed. */
  AUT_CRY_003: 'Error encrypting auth data',
  /** Signing the request failed. */
  AUT_CRY_004: 'Error signing auth data',
  /** IDA's `response-signature` is missing or does not verify. */
  AUT_CRY_005: 'Error verifying IDA response signature',
  /** The request could not be processed: transport failure after retries, or a non-IDA answer. */
  AUT_BAS_001: 'Not able to process auth request',
  /** The authenticator configuration is invalid. */
  AUT_CFG_001: 'Invalid authenticator configuration',
} as const;

/** One of {@link AUTHENTICATOR_ERROR_CODES}. */
export type AuthenticatorErrorCode = keyof typeof AUTHENTICATOR_ERROR_CODES;

/**
 * The one error class of `@mts/authenticator`. Match on `code`; `retryable` is true only for transport failures
 * that outlived the retries. Messages never hold PII, keys, passwords, API or licence keys.
 *
 * @example
 * try { await auth.authenticate(req) } catch (e) { if (e instanceof AuthenticatorError && e.retryable) requeue() }
 */
export class AuthenticatorError extends Error {
  readonly code: AuthenticatorErrorCode;
  readonly retryable: boolean;

  constructor(code: AuthenticatorErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(`${AUTHENTICATOR_ERROR_CODES[code]}: ${message}`, { cause: options.cause });
    this.name = 'AuthenticatorError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
