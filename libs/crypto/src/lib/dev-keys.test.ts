import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevCertificate, createPkcs12, generateRsaKeyPair, type RsaKeyPair } from './dev-keys.js';
import { loadPkcs12 } from './keys.js';

let ca: RsaKeyPair;
let leaf: RsaKeyPair;
beforeAll(async () => {
  [ca, leaf] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
});

describe('development keys and certificates', () => {
  it('generates RSA-2048 key pairs', () => {
    expect(leaf.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(leaf.publicKey.type).toBe('public');
  });

  it('creates a self-signed certificate with the given subject and validity', () => {
    const notBefore = new Date('2025-01-01T00:00:00Z');
    const cert = createDevCertificate({ keyPair: leaf, commonName: 'ida-partner', organization: 'MTS Dev', notBefore, days: 10 });
    expect(cert.subject).toContain('CN=ida-partner');
    expect(cert.issuer).toBe(cert.subject);
    expect(new Date(cert.validFrom).toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2025-01-11T00:00:00.000Z');
    expect(cert.checkPrivateKey(leaf.privateKey)).toBe(true);
    expect(cert.verify(leaf.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
  });

  it('issues a certificate from a dev CA that verifies under the CA key', () => {
    const caCert = createDevCertificate({ keyPair: ca, commonName: 'dev-ca', isCa: true });
    const cert = createDevCertificate({ keyPair: leaf, commonName: 'partner', issuer: { certificate: caCert, privateKey: ca.privateKey } });
    expect(caCert.ca).toBe(true);
    expect(cert.issuer).toBe(caCert.subject);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
  });

  it('writes a PKCS#12 that loadPkcs12 and OpenSSL both read', () => {
    const caCert = createDevCertificate({ keyPair: ca, commonName: 'dev-ca', isCa: true });
    const cert = createDevCertificate({ keyPair: leaf, commonName: 'partner', issuer: { certificate: caCert, privateKey: ca.privateKey } });
    const p12 = createPkcs12({ privateKey: leaf.privateKey, certificate: cert, chain: [caCert], password: 'dev-pass' });
    const back = loadPkcs12(p12, 'dev-pass');
    expect(back.certificate.raw).toEqual(cert.raw);
    expect(back.chain.map((c) => c.raw)).toEqual([caCert.raw]);
    expect(back.privateKey.equals(leaf.privateKey)).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'mts-crypto-'));
    try {
      writeFileSync(join(dir, 'p.p12'), p12);
      const out = execFileSync('openssl', ['pkcs12', '-in', join(dir, 'p.p12'), '-passin', 'pass:dev-pass', '-nokeys', '-clcerts'], {
        encoding: 'utf8',
      });
      expect(out).toContain('CN = partner');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
