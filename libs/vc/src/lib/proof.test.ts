import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createProofVerifier, signCredential, type ProofType } from './proof.js';
import { ed25519Multibase, type TrustedIssuer } from './keys.js';
import { VC_CODES, VcError } from './errors.js';
import { MOSIP_CONTEXT, sampleVc } from './fixtures.test-util.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }) as string;
const RSA_VM = 'https://issuer.example/keys/rsa-1';
const ED_VM = 'did:example:issuer#ed-1';
const EC_VM = 'https://issuer.example/keys/ec-1';
const trusted: TrustedIssuer[] = [
  { issuer: 'https://issuer.example', verificationMethod: RSA_VM, publicKeyPem: pem(rsa.publicKey) },
  { verificationMethod: ED_VM, publicKeyMultibase: ed25519Multibase(ed.publicKey) },
  { verificationMethod: EC_VM, publicKeyJwk: ec.publicKey.export({ format: 'jwk' }) as Record<string, unknown> },
];
const SUITE_CONTEXT: Record<ProofType, string[]> = {
  RsaSignature2018: [],
  Ed25519Signature2020: ['https://w3id.org/security/suites/ed25519-2020/v1'],
  JsonWebSignature2020: ['https://w3id.org/security/suites/jws-2020/v1'],
};

const cases: [string, ProofType, KeyObject, string, 'RS256' | 'PS256' | 'EdDSA' | 'ES256' | undefined][] = [
  ['RsaSignature2018 RS256', 'RsaSignature2018', rsa.privateKey, RSA_VM, 'RS256'],
  ['RsaSignature2018 PS256', 'RsaSignature2018', rsa.privateKey, RSA_VM, 'PS256'],
  ['Ed25519Signature2020', 'Ed25519Signature2020', ed.privateKey, ED_VM, undefined],
  ['JsonWebSignature2020 EdDSA', 'JsonWebSignature2020', ed.privateKey, ED_VM, 'EdDSA'],
  ['JsonWebSignature2020 ES256', 'JsonWebSignature2020', ec.privateKey, EC_VM, 'ES256'],
];

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof VcError) return err.code;
    throw err;
  }
}

describe('Linked Data proofs', () => {
  const verifier = createProofVerifier(trusted);

  describe.each(cases)('%s', (_name, type, privateKey, verificationMethod, alg) => {
    let signed: Record<string, unknown>;
    beforeAll(async () => {
      signed = await signCredential(sampleVc({}, SUITE_CONTEXT[type]), { type, privateKey, verificationMethod, ...(alg ? { alg } : {}), created: '2024-05-01T10:20:30Z' });
    });

    it('verifies what was signed', async () => {
      const proof = signed.proof as Record<string, unknown>;
      expect(proof.type).toBe(type);
      if (type === 'Ed25519Signature2020') expect(proof.proofValue).toMatch(/^z[1-9A-HJ-NP-Za-km-z]+$/);
      else expect(proof.jws).toMatch(/^[\w-]+\.\.[\w-]+$/);
      await expect(verifier.verify(signed)).resolves.toBeUndefined();
    });

    it('refuses a VC with a changed subject field (ATS-REQ-065)', async () => {
      const subject = signed.credentialSubject as Record<string, unknown>;
      const tampered = { ...signed, credentialSubject: { ...subject, UIN: '5918372641' } };
      expect(await codeOf(verifier.verify(tampered))).toBe(VC_CODES.proofInvalid);
    });

    it('refuses a VC whose language value was changed (ATS-REQ-065)', async () => {
      const subject = signed.credentialSubject as Record<string, unknown>;
      const tampered = { ...signed, credentialSubject: { ...subject, fullName: [{ language: 'eng', value: 'Someone Else' }] } };
      expect(await codeOf(verifier.verify(tampered))).toBe(VC_CODES.proofInvalid);
    });

    it('refuses a VC whose proof date was changed (the proof options are signed too)', async () => {
      const tampered = { ...signed, proof: { ...(signed.proof as object), created: '2025-01-01T00:00:00Z' } };
      expect(await codeOf(verifier.verify(tampered))).toBe(VC_CODES.proofInvalid);
    });
  });

  it('refuses a key that is not trusted (ATS-REQ-066)', async () => {
    const other = generateKeyPairSync('ed25519');
    const signed = await signCredential(sampleVc({}, SUITE_CONTEXT.Ed25519Signature2020), { type: 'Ed25519Signature2020', privateKey: other.privateKey, verificationMethod: 'did:example:stranger#1' });
    expect(await codeOf(verifier.verify(signed))).toBe(VC_CODES.untrustedIssuer);
  });

  it('refuses a trusted verificationMethod used with another issuer (ATS-REQ-066)', async () => {
    const signed = await signCredential({ ...sampleVc(), issuer: 'https://elsewhere.example' }, { type: 'RsaSignature2018', privateKey: rsa.privateKey, verificationMethod: RSA_VM });
    expect(await codeOf(verifier.verify(signed))).toBe(VC_CODES.untrustedIssuer);
  });

  it('refuses a signature made with another key under a trusted verificationMethod (ATS-REQ-065)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signed = await signCredential(sampleVc(), { type: 'RsaSignature2018', privateKey: other.privateKey, verificationMethod: RSA_VM });
    expect(await codeOf(verifier.verify(signed))).toBe(VC_CODES.proofInvalid);
  });

  it('refuses a missing proof (065), an unknown proof type (067) and an unsupported JWS algorithm (067)', async () => {
    expect(await codeOf(verifier.verify(sampleVc()))).toBe(VC_CODES.proofInvalid);
    const signed = await signCredential(sampleVc(), { type: 'RsaSignature2018', privateKey: rsa.privateKey, verificationMethod: RSA_VM });
    expect(await codeOf(verifier.verify({ ...signed, proof: { ...(signed.proof as object), type: 'BbsBlsSignature2020' } }))).toBe(VC_CODES.unsupportedProof);
    const hs256 = Buffer.from(JSON.stringify({ alg: 'HS256', b64: false, crit: ['b64'] })).toString('base64url');
    expect(await codeOf(verifier.verify({ ...signed, proof: { ...(signed.proof as object), jws: `${hs256}..AAAA` } }))).toBe(VC_CODES.unsupportedProof);
    const attached = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
    expect(await codeOf(verifier.verify({ ...signed, proof: { ...(signed.proof as object), jws: `${attached}..AAAA` } }))).toBe(VC_CODES.proofInvalid);
  });

  it('verifies a VC using the W3C credentials v2 context (as some Inji samples do)', async () => {
    const v1 = sampleVc({}, SUITE_CONTEXT.Ed25519Signature2020);
    const { issuanceDate, ...rest } = v1;
    const v2 = { ...rest, '@context': ['https://www.w3.org/ns/credentials/v2', ...(v1['@context'] as string[]).slice(1)], validFrom: issuanceDate };
    const signed = await signCredential(v2, { type: 'Ed25519Signature2020', privateKey: ed.privateKey, verificationMethod: ED_VM });
    await expect(verifier.verify(signed)).resolves.toBeUndefined();
    const tampered = { ...signed, credentialSubject: { ...(signed.credentialSubject as object), UIN: '1' } };
    expect(await codeOf(verifier.verify(tampered))).toBe(VC_CODES.proofInvalid);
  });

  it('refuses a VC naming a context that is not bundled, without fetching it (ATS-REQ-068)', async () => {
    const signed = await signCredential(sampleVc(), { type: 'RsaSignature2018', privateKey: rsa.privateKey, verificationMethod: RSA_VM });
    const unknown = { ...signed, '@context': [...(signed['@context'] as string[]), 'https://contexts.example/unknown/v1'] };
    expect(await codeOf(verifier.verify(unknown))).toBe(VC_CODES.contextNotBundled);
  });

  it("serves MOSIP's context for the deployment's host: another host's IRIs do not verify", async () => {
    const signed = await signCredential(sampleVc(), { type: 'RsaSignature2018', privateKey: rsa.privateKey, verificationMethod: RSA_VM });
    const moved = (signed['@context'] as string[]).map((c) => (c === MOSIP_CONTEXT ? 'https://api.other.example/.well-known/mosip-ida-context.json' : c));
    expect(await codeOf(verifier.verify({ ...signed, '@context': moved }))).toBe(VC_CODES.proofInvalid);
  });
});
