import { X509Certificate } from 'node:crypto';
import { CERT_A_PEM, KAT_PLAINTEXT, KAT_SHA256_UPPER, KAT_THUMBPRINT_A_B64U, KAT_THUMBPRINT_A_HEX } from '../../test/fixtures.js';
import { base64UrlEncode } from './base64url.js';
import { certificateThumbprint, decodeThumbprint, sha256, sha256UpperHex } from './hash.js';

describe('hashes', () => {
  it('matches the SHA-256 known answers', () => {
    expect(sha256('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256UpperHex(KAT_PLAINTEXT)).toBe(KAT_SHA256_UPPER);
    expect(sha256UpperHex(Buffer.from(KAT_PLAINTEXT))).toBe(KAT_SHA256_UPPER);
  });

  it('computes the certificate thumbprint from the DER', () => {
    const cert = new X509Certificate(CERT_A_PEM);
    expect(base64UrlEncode(certificateThumbprint(cert))).toBe(KAT_THUMBPRINT_A_B64U);
    expect(certificateThumbprint(cert.raw).toString('hex')).toBe(KAT_THUMBPRINT_A_HEX);
  });

  it('decodes thumbprints as hex first (either case), then base64url', () => {
    const expected = Buffer.from(KAT_THUMBPRINT_A_HEX, 'hex');
    expect(decodeThumbprint(KAT_THUMBPRINT_A_HEX)).toEqual(expected);
    expect(decodeThumbprint(KAT_THUMBPRINT_A_HEX.toUpperCase())).toEqual(expected);
    expect(decodeThumbprint(KAT_THUMBPRINT_A_B64U)).toEqual(expected);
    expect(decodeThumbprint(KAT_THUMBPRINT_A_B64U + '=')).toEqual(expected);
    expect(() => decodeThumbprint('not/base64')).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_BASE64' }));
  });
});
