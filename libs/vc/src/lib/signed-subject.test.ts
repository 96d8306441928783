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
type Json = Record<string, unknown>;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const VM = 'https://issuer.example/keys/rsa-1';
const verifier = createProofVerifier([{ issuer: 'https://issuer.example', verificationMethod: VM, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string }]);
// RsaSignature2018, as MOSIP issues; values in one language, as the IDA sandbox's VCs carry them.
const sign = (subject: Json = {}) =>
  signCredential(sampleVc({ fullName: [{ language: 'eng', value: 'Amara Okafor' }], ...subject }), { type: 'RsaSignature2018', privateKey, verificationMethod: VM, created: '2024-05-01T10:20:30Z' });
const withSubject = (vc: Json, changes: Json) => ({ ...vc, credentialSubject: { ...(vc.credentialSubject as Json), ...changes } });
const read = async (vcs: Json[], options: { verify?: boolean; lang?: string } = {}) =>
  (await collect(readVcs(Readable.from([JSON.stringify(vcs)]), { lang: options.lang ?? 'eng', ...(options.verify === false ? {} : { verifier }) }))).map((r) =>
    'error' in r ? r.error.code : r.data,
  );

describe('readVcs with a verifier: only data the proof covers reaches the record', () => {
  it('reads a genuine VC', async () => {
    const [record] = await read([await sign()]);
    expect(record).toMatchObject({ vid: '5918372640', UIN: '5918372640', fullName: 'Amara Okafor', gender: 'Female', dateOfBirth: '1985/04/12', city: 'Kenitra' });
  });

  it('refuses a genuine VC with an added vid (a term the contexts do not define, so the proof still verifies) with ATS-REQ-065', async () => {
    const genuine = await sign();
    const injected = withSubject(genuine, { vid: '4938271650' });
    await expect(verifier.verify(injected)).resolves.toBeUndefined(); // the bypass: the proof alone does not catch it
    const records = await collect(readVcs(Readable.from([JSON.stringify([genuine, injected, genuine])]), { verifier }));
    expect(records.map((r) => ('error' in r ? r.error.code : r.data.vid))).toEqual(['5918372640', VC_CODES.proofInvalid, '5918372640']);
    // named by its signed UIN, never by the injected vid; the message quotes nothing of the VC
    expect(records[1]).toMatchObject({ lineNo: 2, error: { vid: '5918372640' } });
    expect('error' in records[1]! && records[1].error.message).not.toMatch(/4938271650|vid/);
  });

  it.each([
    ['phoneNumber and emailId', { phoneNumber: '7000000000', emailId: 'other@example.org' }],
    ['an id a caller maps as vid', { nationalId: '4938271650' }],
    ['a language list under an undefined term', { name: [{ language: 'eng', value: 'Someone Else' }] }],
  ])('refuses a genuine VC with unsigned fields added (%s) with ATS-REQ-065', async (_name, changes) => {
    expect(await read([withSubject(await sign(), changes)])).toEqual([VC_CODES.proofInvalid]);
  });

  it('reads a value in several languages by lang, as unverified reading does: no proof covers the tags', async () => {
    const two = await sign({ fullName: [{ language: 'eng', value: 'Amara Okafor' }, { language: 'fra', value: 'Amara Okafeur' }] });
    const swapped = withSubject(two, { fullName: [{ language: 'fra', value: 'Amara Okafor' }, { language: 'eng', value: 'Amara Okafeur' }] });
    await expect(verifier.verify(swapped)).resolves.toBeUndefined(); // tags are not signed
    // Only another language's text of the same signed subject can come out: IDA's match then fails, nobody else is authenticated.
    expect(await read([two, swapped])).toEqual([expect.objectContaining({ fullName: 'Amara Okafor' }), expect.objectContaining({ fullName: 'Amara Okafeur' })]);
  });

  it('reads a value whose only text is signed, whatever its tag says (or the same text in every language)', async () => {
    const same = await sign({ fullName: [{ language: 'eng', value: 'Amara Okafor' }, { language: 'fra', value: 'Amara Okafor' }] });
    const retagged = withSubject(await sign(), { fullName: [{ language: 'fra', value: 'Amara Okafor' }], gender: { lang: 'ara', value: 'Female' } });
    expect(await read([same, retagged])).toEqual([expect.objectContaining({ fullName: 'Amara Okafor' }), expect.objectContaining({ fullName: 'Amara Okafor', gender: 'Female' })]);
  });
});
