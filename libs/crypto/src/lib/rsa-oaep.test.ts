import { createPrivateKey, X509Certificate } from 'node:crypto';
import { CERT_A_PEM, KAT_AES_KEY, KAT_OAEP_A_B64U, KEY_A_PEM, KEY_B_PEM } from '../../test/fixtures.js';
import { base64UrlDecode } from './base64url.js';
import { rsaOaepUnwrap, rsaOaepUnwrapAsync, rsaOaepWrap } from './rsa-oaep.js';

const keyA = createPrivateKey(KEY_A_PEM);
const certA = new X509Certificate(CERT_A_PEM);

describe('RSA-OAEP-SHA256 / MGF1-SHA256', () => {
  it('unwraps the known answer made by Python cryptography, sync and async', async () => {
    const wrapped = base64UrlDecode(KAT_OAEP_A_B64U);
    expect(rsaOaepUnwrap(keyA, wrapped)).toEqual(KAT_AES_KEY);
    await expect(rsaOaepUnwrapAsync(keyA, wrapped)).resolves.toEqual(KAT_AES_KEY);
  });

  it('wraps to 256 bytes that WebCrypto (MGF1 = OAEP hash by definition) unwraps', async () => {
    const wrapped = rsaOaepWrap(certA, KAT_AES_KEY);
    expect(wrapped.length).toBe(256);
    await expect(rsaOaepUnwrapAsync(keyA, wrapped)).resolves.toEqual(KAT_AES_KEY);
    expect(rsaOaepUnwrap(keyA, rsaOaepWrap(certA.publicKey, KAT_AES_KEY))).toEqual(KAT_AES_KEY);
  });

  it('fails with CRYPTO_DECRYPT_FAILED under the wrong key or tampered data', async () => {
    const wrapped = rsaOaepWrap(certA, KAT_AES_KEY);
    const keyB = createPrivateKey(KEY_B_PEM);
    const code = { code: 'CRYPTO_DECRYPT_FAILED' };
    expect(() => rsaOaepUnwrap(keyB, wrapped)).toThrow(expect.objectContaining(code));
    await expect(rsaOaepUnwrapAsync(keyB, wrapped)).rejects.toMatchObject(code);
    wrapped[10] ^= 1;
    await expect(rsaOaepUnwrapAsync(keyA, wrapped)).rejects.toMatchObject(code);
  });
});
