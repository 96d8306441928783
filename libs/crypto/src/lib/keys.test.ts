import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  CERT_A_PEM, CERT_B_PEM, KEY_A_PEM, KEY_B_PEM, P12_A_BASE64, P12_A_PASSWORD, P12_B_BASE64, P12_B_PASSWORD,
} from '../../test/fixtures.js';
import { loadCertificate, loadPkcs12, loadPrivateKey, loadPublicKey } from './keys.js';

const certA = new X509Certificate(CERT_A_PEM);
const certB = new X509Certificate(CERT_B_PEM);

describe('loadPkcs12', () => {
  it('reads an OpenSSL 3 default store (AES-256, SHA-256 MAC) with its chain', () => {
    const m = loadPkcs12(Buffer.from(P12_A_BASE64, 'base64'), P12_A_PASSWORD);
    expect(m.certificate.raw).toEqual(certA.raw);
    expect(m.chain.map((c) => c.raw)).toEqual([certB.raw]);
    expect(m.privateKey.type).toBe('private');
    expect(m.certificate.checkPrivateKey(m.privateKey)).toBe(true);
  });

  it('reads a legacy 3DES / SHA-1 store', () => {
    const m = loadPkcs12(Buffer.from(P12_B_BASE64, 'base64'), P12_B_PASSWORD);
    expect(m.certificate.raw).toEqual(certB.raw);
    expect(m.chain).toEqual([]);
  });

  it('fails with CRYPTO_PKCS12 on a wrong password or garbage, without echoing the password', () => {
    const attempt = () => loadPkcs12(Buffer.from(P12_A_BASE64, 'base64'), 'wrong-secret');
    expect(attempt).toThrow(expect.objectContaining({ code: 'CRYPTO_PKCS12' }));
    expect(attempt).not.toThrow(/wrong-secret/);
    expect(() => loadPkcs12(Buffer.from('not a p12'), 'x')).toThrow(expect.objectContaining({ code: 'CRYPTO_PKCS12' }));
  });
});

describe('certificates and keys', () => {
  it('loads certificates from PEM text, PEM bytes and DER', () => {
    expect(loadCertificate(CERT_A_PEM).raw).toEqual(certA.raw);
    expect(loadCertificate(Buffer.from(CERT_A_PEM)).raw).toEqual(certA.raw);
    expect(loadCertificate(certA.raw).raw).toEqual(certA.raw);
    expect(() => loadCertificate('nope')).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_CERTIFICATE' }));
  });

  it('loads private keys from PKCS#8 PEM, PKCS#1 PEM and DER', () => {
    const ref = createPrivateKey(KEY_A_PEM);
    const pkcs1 = ref.export({ format: 'pem', type: 'pkcs1' }).toString();
    const der8 = ref.export({ format: 'der', type: 'pkcs8' });
    const der1 = ref.export({ format: 'der', type: 'pkcs1' });
    for (const input of [KEY_A_PEM, Buffer.from(KEY_A_PEM), pkcs1, der8, der1]) {
      expect(loadPrivateKey(input).equals(ref)).toBe(true);
    }
    expect(() => loadPrivateKey(Buffer.from([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_KEY' }));
  });

  it('loads encrypted PKCS#8 with its passphrase and fails without it', () => {
    const enc = createPrivateKey(KEY_B_PEM)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pp' })
      .toString();
    expect(loadPrivateKey(enc, 'pp').equals(createPrivateKey(KEY_B_PEM))).toBe(true);
    expect(() => loadPrivateKey(enc, 'bad')).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_KEY' }));
  });

  it('loads public keys from certificates and SPKI', () => {
    const spki = certA.publicKey.export({ format: 'der', type: 'spki' });
    expect(loadPublicKey(CERT_A_PEM).equals(certA.publicKey)).toBe(true);
    expect(loadPublicKey(certA).equals(certA.publicKey)).toBe(true);
    expect(loadPublicKey(spki).equals(certA.publicKey)).toBe(true);
    expect(loadPublicKey(certA.publicKey.export({ format: 'pem', type: 'spki' })).equals(certA.publicKey)).toBe(true);
  });
});
