import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { assertLength, toBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

/** AES-256 key length in bytes. */
export const AES_KEY_LENGTH = 32;
/** IDA's GCM nonce length: the AES block size (KM CryptoCore), not the usual 12. */
export const GCM_NONCE_LENGTH = 16;
/** GCM tag length in bytes (128 bits). */
export const GCM_TAG_LENGTH = 16;

/**
 * Encrypts with AES-256-GCM, no AAD, into IDA's blob layout `ciphertext ‖ tag(16) ‖ nonce(16)`.
 * The nonce is random unless given (give one only for test vectors).
 *
 * @example
 * const blob = aesGcmEncrypt(sessionKey, Buffer.from('{"timestamp":…}'));
 * @throws CryptoError `CRYPTO_INVALID_INPUT` for a key not 32 bytes or a nonce not 16 bytes
 */
export function aesGcmEncrypt(key: Uint8Array, plaintext: Uint8Array | string, nonce?: Uint8Array): Buffer {
  assertLength('AES key', key, AES_KEY_LENGTH);
  const iv = nonce ?? randomBytes(GCM_NONCE_LENGTH);
  assertLength('GCM nonce', iv, GCM_NONCE_LENGTH);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_LENGTH });
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : toBuffer(plaintext);
    const body = cipher.update(data);
    const last = cipher.final();
    return Buffer.concat([body, last, cipher.getAuthTag(), iv]);
  } catch (cause) {
    throw new CryptoError('CRYPTO_ENCRYPT_FAILED', 'AES-GCM encryption failed', { cause });
  }
}

/**
 * Decrypts an IDA blob `ciphertext ‖ tag(16) ‖ nonce(16)` (nonce taken from the last 16 bytes).
 *
 * @example
 * const plaintext = aesGcmDecrypt(sessionKey, base64UrlDecode(body.request)).toString('utf8');
 * @throws CryptoError `CRYPTO_DECRYPT_FAILED` for a short blob, wrong key or tampered bytes
 */
export function aesGcmDecrypt(key: Uint8Array, blob: Uint8Array): Buffer {
  assertLength('AES key', key, AES_KEY_LENGTH);
  const buf = toBuffer(blob);
  if (buf.length < GCM_TAG_LENGTH + GCM_NONCE_LENGTH) {
    throw new CryptoError('CRYPTO_DECRYPT_FAILED', 'AES-GCM blob is shorter than tag + nonce');
  }
  const nonceAt = buf.length - GCM_NONCE_LENGTH;
  const tagAt = nonceAt - GCM_TAG_LENGTH;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(nonceAt), { authTagLength: GCM_TAG_LENGTH });
    decipher.setAuthTag(buf.subarray(tagAt, nonceAt));
    return Buffer.concat([decipher.update(buf.subarray(0, tagAt)), decipher.final()]);
  } catch (cause) {
    throw new CryptoError('CRYPTO_DECRYPT_FAILED', 'AES-GCM decryption failed (wrong key or tampered data)', { cause });
  }
}
