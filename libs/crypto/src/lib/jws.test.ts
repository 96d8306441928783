import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { CERT_A_PEM, CERT_B_PEM, KAT_JWS_SIG_A, KAT_PLAINTEXT, KEY_A_PEM, KEY_B_PEM } from '../../test/fixtures.js';
import { base64UrlEncode } from './base64url.js';
import { createJwsSigner, signDetachedJws, verifyDetachedJws, verifyRs256 } from './jws.js';

const keyA = createPrivateKey(KEY_A_PEM);
const certA = new X509Certificate(CERT_A_PEM);
const certB = new X509Certificate(CERT_B_PEM);
const b64 = (o: unknown) => base64UrlEncode(JSON.stringify(o));
const sigOf = (jws: string) => jws.split('.')[2];

describe('detached JWS RS256', () => {
  it('matches the known answer (header alg + x5c as standard base64 DER)', async () => {
    const signer = createJwsSigner({ privateKey: keyA, certificate: certA });
    expect(signer.headerSegment).toBe(b64({ alg: 'RS256', x5c: [certA.raw.toString('base64')] }));
    const jws = await signer.sign(KAT_PLAINTEXT);
    expect(jws).toBe(`${signer.headerSegment}..${KAT_JWS_SIG_A}`);
    expect(signer.signSync(Buffer.from(KAT_PLAINTEXT))).toBe(jws);
  });

  it('verifyRs256 checks the signature alone: true for the signed body, false for another body, key or garbage', async () => {
    const signer = createJwsSigner({ privateKey: keyA, certificate: certA });
    const sig = Buffer.from(sigOf(await signer.sign(KAT_PLAINTEXT))!, 'base64url');
    const payload = Buffer.from(KAT_PLAINTEXT).toString('base64url');
    expect(verifyRs256(signer.headerSegment, payload, certA.publicKey, sig)).toBe(true);
    expect(verifyRs256(signer.headerSegment, `${payload}x`, certA.publicKey, sig)).toBe(false);
    expect(verifyRs256(signer.headerSegment, payload, certB.publicKey, sig)).toBe(false);
    expect(verifyRs256(signer.headerSegment, payload, certA.publicKey, Buffer.from('not a signature'))).toBe(false);
    // From plain JS a caller can pass anything: still false, never a throw.
    expect(verifyRs256(signer.headerSegment, undefined as unknown as string, certA.publicKey, sig)).toBe(false);
  });

  it('verifies what it signs and returns the header and x5c certificate', async () => {
    const jws = await signDetachedJws(KAT_PLAINTEXT, { privateKey: keyA, certificate: certA, header: { kid: 'k1' } });
    const { header, certificate } = await verifyDetachedJws(jws, Buffer.from(KAT_PLAINTEXT));
    expect(header).toMatchObject({ alg: 'RS256', kid: 'k1' });
    expect(certificate?.raw).toEqual(certA.raw);
  });

  it('rejects a changed body, a wrong pinned certificate, and a signature by another key', async () => {
    const jws = await signDetachedJws(KAT_PLAINTEXT, { privateKey: keyA, certificate: certA });
    const bad = { code: 'CRYPTO_JWS_SIGNATURE' };
    await expect(verifyDetachedJws(jws, KAT_PLAINTEXT + ' ')).rejects.toMatchObject(bad);
    await expect(verifyDetachedJws(jws, KAT_PLAINTEXT, { certificate: certB })).rejects.toMatchObject(bad);
    const forged = `${b64({ alg: 'RS256', x5c: [certA.raw.toString('base64')] })}..${sigOf(
      createJwsSigner({ privateKey: createPrivateKey(KEY_B_PEM) }).signSync(KAT_PLAINTEXT),
    )}`;
    await expect(verifyDetachedJws(forged, KAT_PLAINTEXT)).rejects.toMatchObject(bad);
  });

  it('rejects alg none and every other alg', async () => {
    for (const alg of ['none', 'HS256', 'PS256', 'rs256']) {
      const jws = `${b64({ alg, x5c: [certA.raw.toString('base64')] })}..${KAT_JWS_SIG_A}`;
      await expect(verifyDetachedJws(jws, KAT_PLAINTEXT)).rejects.toMatchObject({ code: 'CRYPTO_JWS_ALGORITHM' });
    }
    await expect(verifyDetachedJws(`${b64({ alg: 'none' })}..`, KAT_PLAINTEXT)).rejects.toMatchObject({
      code: 'CRYPTO_JWS_MALFORMED',
    });
  });

  it('needs a certificate: x5c or a pinned one', async () => {
    const jws = createJwsSigner({ privateKey: keyA }).signSync(KAT_PLAINTEXT);
    await expect(verifyDetachedJws(jws, KAT_PLAINTEXT)).rejects.toMatchObject({ code: 'CRYPTO_JWS_NO_CERTIFICATE' });
    await expect(verifyDetachedJws(jws, KAT_PLAINTEXT, { certificate: certA })).resolves.toMatchObject({
      header: { alg: 'RS256' },
    });
  });

  it.each(['', 'a.b', 'a..b.c', '..sig', '@@..sig', `${b64('str')}..sig`, `${b64({ alg: 'RS256', crit: ['b64'] })}..x`])(
    'rejects malformed JWS %j',
    async (jws) => {
      await expect(verifyDetachedJws(jws, KAT_PLAINTEXT)).rejects.toMatchObject({ code: 'CRYPTO_JWS_MALFORMED' });
    },
  );

  it('reads MTS-style x5c (base64 of PEM with newlines) only in lenient mode', async () => {
    const pemB64 = Buffer.from(certA.toString()).toString('base64').replace(/(.{76})/g, '$1\n');
    const signed = signWithHeader(b64({ alg: 'RS256', x5c: [pemB64] }));
    await expect(verifyDetachedJws(signed, KAT_PLAINTEXT)).rejects.toMatchObject({ code: 'CRYPTO_INVALID_CERTIFICATE' });
    const ok = await verifyDetachedJws(signed, KAT_PLAINTEXT, { x5c: 'lenient' });
    expect(ok.certificate?.raw).toEqual(certA.raw);
  });

  it('parses a repeated protected header once, but checks every signature', async () => {
    const signer = createJwsSigner({ privateKey: keyA, certificate: certA });
    const first = await verifyDetachedJws(await signer.sign('one'), 'one');
    const second = await verifyDetachedJws(await signer.sign('two'), 'two');
    expect(second.certificate).toBe(first.certificate);
    expect(Object.isFrozen(second.header)).toBe(true);
    await expect(verifyDetachedJws(await signer.sign('one'), 'two')).rejects.toMatchObject({ code: 'CRYPTO_JWS_SIGNATURE' });
  });

  it('accepts an attached payload equal to the body', async () => {
    const jws = await signDetachedJws(KAT_PLAINTEXT, { privateKey: keyA, certificate: certA });
    const [h, , s] = jws.split('.');
    await expect(verifyDetachedJws(`${h}.${base64UrlEncode(KAT_PLAINTEXT)}.${s}`, KAT_PLAINTEXT)).resolves.toBeDefined();
  });

  it('refuses a key that does not match the certificate', () => {
    expect(() => createJwsSigner({ privateKey: createPrivateKey(KEY_B_PEM), certificate: certA })).toThrow(
      expect.objectContaining({ code: 'CRYPTO_INVALID_KEY' }),
    );
    expect(() => createJwsSigner({ privateKey: certA.publicKey })).toThrow(expect.objectContaining({ code: 'CRYPTO_INVALID_KEY' }));
  });
});

/** Signs KAT_PLAINTEXT under a hand-made protected header, as another client would. */
function signWithHeader(headerSegment: string): string {
  const input = Buffer.from(`${headerSegment}.${base64UrlEncode(KAT_PLAINTEXT)}`);
  return `${headerSegment}..${sign('sha256', input, keyA).toString('base64url')}`;
}
