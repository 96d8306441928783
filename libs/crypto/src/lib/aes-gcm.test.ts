import { KAT_AES_BLOB_HEX, KAT_AES_KEY, KAT_NONCE, KAT_PLAINTEXT } from '../../test/fixtures.js';
import { aesGcmDecrypt, aesGcmEncrypt } from './aes-gcm.js';

describe('AES-256-GCM in the IDA blob layout', () => {
  it('matches the known answer (ciphertext ‖ tag ‖ nonce)', () => {
    const blob = aesGcmEncrypt(KAT_AES_KEY, KAT_PLAINTEXT, KAT_NONCE);
    expect(blob.toString('hex')).toBe(KAT_AES_BLOB_HEX);
    expect(blob.subarray(-16)).toEqual(KAT_NONCE);
    expect(blob.length).toBe(Buffer.byteLength(KAT_PLAINTEXT) + 32);
  });

  it('decrypts the known answer', () => {
    const out = aesGcmDecrypt(KAT_AES_KEY, Buffer.from(KAT_AES_BLOB_HEX, 'hex'));
    expect(out.toString('utf8')).toBe(KAT_PLAINTEXT);
  });

  it('uses a fresh random nonce when none is given', () => {
    const a = aesGcmEncrypt(KAT_AES_KEY, 'same');
    const b = aesGcmEncrypt(KAT_AES_KEY, 'same');
    expect(a.subarray(-16)).not.toEqual(b.subarray(-16));
    expect(aesGcmDecrypt(KAT_AES_KEY, a).toString()).toBe('same');
  });

  it('rejects tampered bytes, a wrong key and short blobs', () => {
    const blob = Buffer.from(KAT_AES_BLOB_HEX, 'hex');
    blob[0] ^= 1;
    const code = { code: 'CRYPTO_DECRYPT_FAILED' };
    expect(() => aesGcmDecrypt(KAT_AES_KEY, blob)).toThrow(expect.objectContaining(code));
    const wrongKey = Buffer.alloc(32, 7);
    expect(() => aesGcmDecrypt(wrongKey, Buffer.from(KAT_AES_BLOB_HEX, 'hex'))).toThrow(expect.objectContaining(code));
    expect(() => aesGcmDecrypt(KAT_AES_KEY, Buffer.alloc(31))).toThrow(expect.objectContaining(code));
  });

  it('rejects keys and nonces of the wrong size', () => {
    const code = { code: 'CRYPTO_INVALID_INPUT' };
    expect(() => aesGcmEncrypt(Buffer.alloc(16), 'x')).toThrow(expect.objectContaining(code));
    expect(() => aesGcmEncrypt(KAT_AES_KEY, 'x', Buffer.alloc(12))).toThrow(expect.objectContaining(code));
  });
});
