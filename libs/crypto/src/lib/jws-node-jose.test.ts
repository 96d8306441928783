import { createPrivateKey, X509Certificate } from 'node:crypto';
import jose from 'node-jose';
import { CERT_A_PEM, KAT_PLAINTEXT, KEY_A_PEM } from '../../test/fixtures.js';
import { base64UrlEncode } from './base64url.js';
import { createJwsSigner, verifyDetachedJws } from './jws.js';

// node-jose is the reference implementation here, never on the hot path.
const keyA = createPrivateKey(KEY_A_PEM);
const certA = new X509Certificate(CERT_A_PEM);
const body = KAT_PLAINTEXT;

describe('JWS interop with node-jose', () => {
  it('node-jose verifies what we sign once the payload is re-attached', async () => {
    const detached = await createJwsSigner({ privateKey: keyA, certificate: certA }).sign(body);
    const [h, , s] = detached.split('.');
    const key = await jose.JWK.asKey(CERT_A_PEM, 'pem');
    const result = await jose.JWS.createVerify(key).verify(`${h}.${base64UrlEncode(body)}.${s}`);
    expect(result.payload.toString('utf8')).toBe(body);
    expect(result.header).toMatchObject({ alg: 'RS256', x5c: [certA.raw.toString('base64')] });
  });

  it('we verify what node-jose signs, detached, with x5c', async () => {
    const key = await jose.JWK.asKey(KEY_A_PEM, 'pem');
    const compact = (await jose.JWS.createSign(
      { format: 'compact', fields: { alg: 'RS256', x5c: [certA.raw.toString('base64')] } },
      key,
    )
      .update(Buffer.from(body, 'utf8'))
      .final()) as unknown as string;
    const [h, , s] = compact.split('.');
    const { header, certificate } = await verifyDetachedJws(`${h}..${s}`, Buffer.from(body));
    expect(header.alg).toBe('RS256');
    expect(certificate?.raw).toEqual(certA.raw);
    await expect(verifyDetachedJws(`${h}..${s}`, body.replace('1990', '1991'))).rejects.toMatchObject({
      code: 'CRYPTO_JWS_SIGNATURE',
    });
  });
});
