import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '@mts/parsers';
import { readVcs } from './reader.js';
import { createProofVerifier, signCredential } from './proof.js';
import { VC_CODES } from './errors.js';
import { sampleVc } from './fixtures.test-util.js';

const collect = async (it: AsyncIterable<ParsedRecord>) => {
  const out: ParsedRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};
const bytes = (text: string, chunk = 7) => Readable.from(Buffer.from(text).reduce<Buffer[]>((acc, _b, i, all) => (i % chunk === 0 ? [...acc, Buffer.from(all.subarray(i, i + chunk))] : acc), []));

describe('readVcs', () => {
  const vcs = [sampleVc(), sampleVc({ UIN: undefined, VID: '4938271650' }), sampleVc({ fullName: 'Plain Name', gender: [{ language: 'eng', value: 'Male' }] })];

  it('reads a JSON array (with a BOM, in small chunks) into flat records, languages resolved', async () => {
    const records = await collect(readVcs(bytes(`\uFEFF  ${JSON.stringify(vcs, null, 2)}`), { lang: 'eng' }));
    expect(records.map((r) => r.lineNo)).toEqual([1, 2, 3]);
    const [a, b, c] = records.map((r) => ('data' in r ? r.data : r.error));
    expect(a).toMatchObject({ vid: '5918372640', UIN: '5918372640', fullName: 'Amara Okafor', gender: 'Female', dateOfBirth: '1985/04/12', addressLine1: '12 Cedar Street', city: 'Kenitra' });
    expect(b).toMatchObject({ vid: '4938271650', VID: '4938271650' });
    expect(c).toMatchObject({ fullName: 'Plain Name', gender: 'Male' });
  });

  it('picks the language asked for, else the first', async () => {
    const [fra] = await collect(readVcs(bytes(JSON.stringify([vcs[0]])), { lang: 'fra' }));
    const [ara] = await collect(readVcs(bytes(JSON.stringify([vcs[0]])), { lang: 'ara' }));
    expect('data' in fra! && fra.data.fullName).toBe('Amara Okafeur');
    expect('data' in ara! && ara.data.fullName).toBe('Amara Okafeur');
  });

  it('reads NDJSON, and gives each bad line its own code while the rest go on', async () => {
    const lines = [
      JSON.stringify(vcs[0]),
      '{"not json',
      '"a string"',
      JSON.stringify({ ...vcs[0], credentialSubject: undefined }),
      JSON.stringify(sampleVc({ UIN: undefined })),
      '',
      JSON.stringify(vcs[1]),
    ].join('\n');
    const records = await collect(readVcs(bytes(lines)));
    expect(records.map((r) => [r.lineNo, 'error' in r ? r.error.code : 'ok'])).toEqual([
      [1, 'ok'],
      [2, VC_CODES.notJson],
      [3, VC_CODES.notJson],
      [4, VC_CODES.notCredential],
      [5, VC_CODES.noIndividualId],
      [7, 'ok'],
    ]);
    for (const r of records) if ('error' in r) expect(r.error.message).not.toMatch(/Amara|5918/);
  });

  it('does not require VID/UIN when told so (a caller maps vid elsewhere)', async () => {
    const [r] = await collect(readVcs(bytes(JSON.stringify([sampleVc({ UIN: undefined })])), { requireIndividualId: false }));
    expect(r && 'data' in r && r.data.vid).toBe(undefined);
    expect(r && 'data' in r && r.data.fullName).toBe('Amara Okafor');
  });

  it('reports a broken array after the good elements before it', async () => {
    const records = await collect(readVcs(bytes(`[${JSON.stringify(vcs[0])}, {"x": `)));
    expect(records.map((r) => ('error' in r ? r.error.code : 'ok'))).toEqual(['ok', VC_CODES.notJson]);
  });

  it('with a verifier, a tampered VC among good ones gets ATS-REQ-065 and the others are read', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const ctx = ['https://w3id.org/security/suites/ed25519-2020/v1'];
    const options = { type: 'Ed25519Signature2020' as const, privateKey, verificationMethod: 'did:example:issuer#1' };
    const eng = { fullName: [{ language: 'eng', value: 'Amara Okafor' }] };
    const signed = await Promise.all([sampleVc(eng, ctx), sampleVc({ ...eng, UIN: '1111111111' }, ctx), sampleVc({ ...eng, UIN: '2222222222' }, ctx)].map((vc) => signCredential(vc, options)));
    const tampered = { ...signed[1]!, credentialSubject: { ...(signed[1]!.credentialSubject as object), dateOfBirth: '1990/01/01' } };
    const verifier = createProofVerifier([{ verificationMethod: 'did:example:issuer#1', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string }]);
    const records = await collect(readVcs(bytes([signed[0], tampered, signed[2]].map((v) => JSON.stringify(v)).join('\n')), { verifier }));
    expect(records.map((r) => ('error' in r ? r.error.code : r.data.vid))).toEqual(['5918372640', VC_CODES.proofInvalid, '2222222222']);
    expect(records[1]).toMatchObject({ lineNo: 2, error: { vid: '1111111111' } });
    // resumed after line 2: lines 1–2 come back unchecked (stored already), line 3 is verified
    let verified = 0;
    const counting = { verify: async (v: Record<string, unknown>) => (verified++, verifier.verify(v)) };
    const resumed = await collect(readVcs(bytes([signed[0], tampered, signed[2]].map((v) => JSON.stringify(v)).join('\n')), { verifier: counting, skipUpToLineNo: 2 }));
    expect(resumed).toEqual([{ lineNo: 1, data: {} }, { lineNo: 2, data: {} }, { lineNo: 3, data: expect.objectContaining({ vid: '2222222222' }) }]);
    expect(verified).toBe(1);
  });
});
