import { constants, KeyObject, privateDecrypt, publicEncrypt, webcrypto, X509Certificate } from 'node:crypto';
import { toBuffer } from './bytes.js';
import { certificatePublicKey } from './cert-key.js';
import { CryptoError } from './errors.js';

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
// One imported CryptoKey per KeyObject: importKey is costly and keys live as long as the process.
const webKeys = new WeakMap<KeyObject, Promise<webcrypto.CryptoKey>>();

/**
 * Wraps (encrypts) a session key with RSA-OAEP, SHA-256 digest and MGF1-SHA-256, empty label, as IDA expects
 * for `requestSessionKey`. OpenSSL uses the OAEP digest for MGF1 unless told otherwise.
 *
 * @example
 * const wrapped = rsaOaepWrap(idaPartnerCert, sessionKey); // 256 bytes for RSA-2048
 * @throws CryptoError `CRYPTO_ENCRYPT_FAILED`
 */
export function rsaOaepWrap(publicKey: KeyObject | X509Certificate, data: Uint8Array): Buffer {
  const key = publicKey instanceof X509Certificate ? certificatePublicKey(publicKey) : publicKey;
  try {
    return publicEncrypt({ key, ...OAEP }, toBuffer(data));
  } catch (cause) {
    throw new CryptoError('CRYPTO_ENCRYPT_FAILED', 'RSA-OAEP encryption failed', { cause });
  }
}

/**
 * Unwraps (decrypts) RSA-OAEP-SHA256/MGF1-SHA256 on the calling thread.
 *
 * @example
 * const sessionKey = rsaOaepUnwrap(idaPartnerKey, base64UrlDecode(body.requestSessionKey));
 * @throws CryptoError `CRYPTO_DECRYPT_FAILED`
 */
export function rsaOaepUnwrap(privateKey: KeyObject, data: Uint8Array): Buffer {
  try {
    return privateDecrypt({ key: privateKey, ...OAEP }, toBuffer(data));
  } catch (cause) {
    throw new CryptoError('CRYPTO_DECRYPT_FAILED', 'RSA-OAEP decryption failed', { cause });
  }
}

/**
 * Same as {@link rsaOaepUnwrap} but through WebCrypto, which runs on the libuv threadpool: a server can
 * decrypt many requests without blocking its event loop.
 *
 * @example
 * const sessionKey = await rsaOaepUnwrapAsync(idaPartnerKey, wrapped);
 * @throws CryptoError `CRYPTO_DECRYPT_FAILED` (as a rejected promise)
 */
export async function rsaOaepUnwrapAsync(privateKey: KeyObject, data: Uint8Array): Promise<Buffer> {
  try {
    const key = await webKeyFor(privateKey);
    const out = await webcrypto.subtle.decrypt({ name: 'RSA-OAEP' }, key, toBuffer(data));
    return Buffer.from(out);
  } catch (cause) {
    throw new CryptoError('CRYPTO_DECRYPT_FAILED', 'RSA-OAEP decryption failed', { cause });
  }
}

function webKeyFor(privateKey: KeyObject): Promise<webcrypto.CryptoKey> {
  let key = webKeys.get(privateKey);
  if (!key) {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    key = webcrypto.subtle.importKey('pkcs8', der, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
    webKeys.set(privateKey, key);
    // A failed import must not stay cached.
    key.catch(() => webKeys.delete(privateKey));
  }
  return key;
}
