import { createHash, X509Certificate } from 'node:crypto';
import { base64UrlDecode } from './base64url.js';

/**
 * SHA-256 of bytes or a UTF-8 string.
 *
 * @example
 * sha256('abc').toString('hex') // 'ba7816bf…'
 */
export function sha256(data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest();
}

/**
 * Uppercase hex SHA-256 (64 ASCII characters): IDA's `requestHMAC` plaintext and certificate-match form.
 *
 * @example
 * sha256UpperHex('abc') // 'BA7816BF…'
 */
export function sha256UpperHex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').toUpperCase();
}

/**
 * Certificate thumbprint as IDA computes it: SHA-256 of the DER (32 bytes).
 *
 * @example
 * base64UrlEncode(certificateThumbprint(idaPartnerCert)) // the request's `thumbprint`
 */
export function certificateThumbprint(certificate: X509Certificate | Uint8Array): Buffer {
  return sha256(certificate instanceof X509Certificate ? certificate.raw : certificate);
}

/**
 * Reads a thumbprint string the way IDA does: hex first (either case), then base64url.
 *
 * @example
 * decodeThumbprint('AB12…') // hex; decodeThumbprint('qxI…') // base64url
 * @throws CryptoError `CRYPTO_INVALID_BASE64` when it is neither
 */
export function decodeThumbprint(text: string): Buffer {
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return Buffer.from(text, 'hex');
  return base64UrlDecode(text);
}
