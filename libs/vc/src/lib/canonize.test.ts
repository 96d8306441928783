import { createHash } from 'node:crypto';
import { canonize, proofVerifyData } from './canonize.js';
import { MOSIP_CONTEXT, sampleVc } from './fixtures.test-util.js';
import { VC_CODES } from './errors.js';

describe('canonize', () => {
  it("expands MOSIP's terms under the deployment's host, language values included", async () => {
    const nquads = await canonize(sampleVc());
    expect(nquads).toContain('<https://api.sandbox.example/mosip#UIN> "5918372640"');
    // MOSIP's context maps `value` to rdf:value and `lang` (not `language`) to @language: the text is signed, its tag is not.
    expect(nquads).toContain('<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "Amara Okafor" .');
    expect(nquads).toContain('<https://www.w3.org/2018/credentials#issuer> <https://issuer.example>');
  });

  it('builds the verify data as sha256(canonical proof options) ‖ sha256(canonical document without proof)', async () => {
    const vc = sampleVc();
    const proof = { type: 'RsaSignature2018', created: '2024-05-01T10:20:30Z', proofPurpose: 'assertionMethod', verificationMethod: 'https://issuer.example/k', jws: 'x..y' };
    const data = await proofVerifyData({ ...vc, proof }, proof);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const { jws: _jws, ...options } = proof;
    expect(data.subarray(0, 32).toString('hex')).toBe(sha(await canonize({ '@context': vc['@context'], ...options })));
    expect(data.subarray(32).toString('hex')).toBe(sha(await canonize(vc)));
    // credentials/v1's RsaSignature2018 scope uses a `sec:` prefix it never defines: every implementation emits it as is.
    expect(await canonize({ '@context': vc['@context'], ...options })).toContain('<sec:proofPurpose> <https://w3id.org/security#assertionMethod>');
    expect(MOSIP_CONTEXT).toMatch(/mosip-ida-context/);
  });

  it('refuses a blank-node "poison graph" (bounded canonicalisation work) with ATS-REQ-068 instead of hanging', async () => {
    const n = 12;
    const knows = 'http://schema.org/knows';
    const nodes = Array.from({ length: n }, (_, i) => ({ '@id': `_:b${i}`, [knows]: Array.from({ length: n }, (_, j) => ({ '@id': `_:b${j}` })).filter((_, j) => j !== i) }));
    const vc = { ...sampleVc(), credentialSubject: { id: 'did:example:s', [knows]: nodes } };
    await expect(canonize(vc)).rejects.toMatchObject({ code: VC_CODES.contextNotBundled });
  });
});
