/** Stable error codes raised by `@mts/crypto`. Once released, a code never changes. */
export type CryptoErrorCode =
  | 'CRYPTO_INVALID_INPUT'
  | 'CRYPTO_INVALID_BASE64'
  | 'CRYPTO_INVALID_KEY'
  | 'CRYPTO_INVALID_CERTIFICATE'
  | 'CRYPTO_PKCS12'
  | 'CRYPTO_ENCRYPT_FAILED'
  | 'CRYPTO_DECRYPT_FAILED'
  | 'CRYPTO_SIGN_FAILED'
  | 'CRYPTO_JWS_MALFORMED'
  | 'CRYPTO_JWS_ALGORITHM'
  | 'CRYPTO_JWS_NO_CERTIFICATE'
  | 'CRYPTO_JWS_SIGNATURE';

/**
 * The one error class of `@mts/crypto`. Match on `code`. Messages never contain key material or plaintext.
 * Crypto failures are deterministic, so `retryable` is always false.
 *
 * @example
 * try { aesGcmDecrypt(key, blob) } catch (e) { if (e instanceof CryptoError && e.code === 'CRYPTO_DECRYPT_FAILED') … }
 */
export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  readonly retryable = false;

  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}
