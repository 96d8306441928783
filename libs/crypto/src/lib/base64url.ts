import { toBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64_STD = /^[A-Za-z0-9+/]*$/;

/** Options for {@link base64UrlEncode}. */
export interface Base64UrlEncodeOptions {
  /** Append `=` padding (MTS pads; MOSIP's Java client and JWS do not). Default false. */
  padding?: boolean;
}

/**
 * Encodes bytes (or a UTF-8 string) as base64url (RFC 4648 §5).
 *
 * @example
 * base64UrlEncode(Buffer.from([0xfb, 0xff])) // '-_8'
 */
export function base64UrlEncode(data: Uint8Array | string, options: Base64UrlEncodeOptions = {}): string {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : toBuffer(data);
  const out = buf.toString('base64url');
  if (!options.padding) return out;
  const rem = out.length % 4;
  return rem === 0 ? out : out + '='.repeat(4 - rem);
}

/**
 * Decodes base64url like Java's URL decoder: padding optional (but correct if present), `+` and `/` and
 * whitespace rejected.
 *
 * @example
 * base64UrlDecode('-_8=') // <Buffer fb ff>
 * @throws CryptoError `CRYPTO_INVALID_BASE64`
 */
export function base64UrlDecode(text: string): Buffer {
  if (typeof text !== 'string') throw new CryptoError('CRYPTO_INVALID_BASE64', 'base64url input is not a string');
  const pad = text.indexOf('=');
  const body = pad === -1 ? text : text.slice(0, pad);
  const padding = pad === -1 ? '' : text.slice(pad);
  if (!BASE64URL.test(body)) throw new CryptoError('CRYPTO_INVALID_BASE64', 'invalid character in base64url input');
  checkLength(body, padding);
  return Buffer.from(body, 'base64url');
}

/**
 * Decodes standard base64 strictly (RFC 4648 §4): padding required, no whitespace, no URL alphabet.
 * This is how KM 1.3.0 reads `x5c` entries.
 *
 * @example
 * base64StdDecodeStrict('+/8=') // <Buffer fb ff>
 * @throws CryptoError `CRYPTO_INVALID_BASE64`
 */
export function base64StdDecodeStrict(text: string): Buffer {
  if (typeof text !== 'string' || text.length % 4 !== 0) {
    throw new CryptoError('CRYPTO_INVALID_BASE64', 'base64 input has a bad length');
  }
  const pad = text.indexOf('=');
  const body = pad === -1 ? text : text.slice(0, pad);
  if (!BASE64_STD.test(body)) throw new CryptoError('CRYPTO_INVALID_BASE64', 'invalid character in base64 input');
  checkLength(body, pad === -1 ? '' : text.slice(pad));
  return Buffer.from(body, 'base64');
}

function checkLength(body: string, padding: string): void {
  const rem = body.length % 4;
  const ok = rem !== 1 && (padding === '' || (/^={1,2}$/.test(padding) && (rem + padding.length) % 4 === 0));
  if (!ok) throw new CryptoError('CRYPTO_INVALID_BASE64', 'base64 input has a bad length or padding');
}
