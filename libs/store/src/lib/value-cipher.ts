import { createCipheriv, createDecipheriv } from 'node:crypto';
import { createRandomPool } from '@mts/crypto';
import type { DataKeyring } from './data-key.js';
import { StoreError } from './errors.js';

const VERSION = 1;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + 4 + NONCE;
// Fresh CSPRNG nonces for every value, fetched a block at a time (a call per value cost a third of the sealing).
const nonces = createRandomPool();

/**
 * Seals a JSON-serialisable value with AES-256-GCM under the keyring's current key.
 * Layout: `version(1) ‖ keyId(4) ‖ nonce(12) ‖ ciphertext ‖ tag(16)`; the header is authenticated too.
 * `aad` binds the value to where it lives (e.g. the request id), so ciphertexts cannot be swapped between rows.
 *
 * @example
 * ```ts
 * const blob = sealValue(keyring, { name: 'Ana' }, 'req-1');
 * openValue(keyring, blob, 'req-1'); // { name: 'Ana' }
 * ```
 */
export function sealValue(keyring: DataKeyring, value: unknown, aad = ''): Buffer {
  const { id, key } = keyring.current;
  const plain = Buffer.from(JSON.stringify(value) ?? 'null', 'utf8');
  // One allocation for the whole blob: GCM's ciphertext is exactly as long as the plaintext.
  const out = Buffer.allocUnsafe(HEADER + plain.length + TAG);
  out[0] = VERSION;
  id.copy(out, 1);
  nonces(NONCE).copy(out, 5);
  const header = out.subarray(0, HEADER);
  const cipher = createCipheriv('aes-256-gcm', key, out.subarray(5, HEADER), { authTagLength: TAG });
  cipher.setAAD(aad ? Buffer.concat([header, Buffer.from(aad, 'utf8')]) : header);
  const written = cipher.update(plain).copy(out, HEADER);
  cipher.final();
  cipher.getAuthTag().copy(out, HEADER + written);
  return out;
}

/** Opens a value sealed by {@link sealValue}; throws `STORE_DECRYPT_FAILED` or `STORE_UNKNOWN_KEY_ID`. */
export function openValue<T = unknown>(keyring: DataKeyring, blob: Uint8Array, aad = ''): T {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.length < HEADER + TAG || buf[0] !== VERSION) {
    throw new StoreError('STORE_DECRYPT_FAILED', 'not a sealed value of a known version');
  }
  const keyId = buf.subarray(1, 5).toString('hex');
  const entry = keyring.byId.get(keyId);
  if (!entry) throw new StoreError('STORE_UNKNOWN_KEY_ID', `no data key with id ${keyId} is configured`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, buf.subarray(5, HEADER), { authTagLength: TAG });
    decipher.setAAD(Buffer.concat([buf.subarray(0, HEADER), Buffer.from(aad, 'utf8')]));
    decipher.setAuthTag(buf.subarray(buf.length - TAG));
    const plain = Buffer.concat([decipher.update(buf.subarray(HEADER, buf.length - TAG)), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch (error) {
    throw new StoreError('STORE_DECRYPT_FAILED', 'a sealed value failed authentication', { cause: error });
  }
}
