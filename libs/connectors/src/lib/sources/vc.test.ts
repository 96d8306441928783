import { generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ParsedRecord } from '@mts/parsers';
import type { RequestConfig } from '@mts/envelope';
import { signCredential } from '@mts/vc';
import { vcSource } from './vc.js';

async function all(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const out: ParsedRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}
const config = (extra: Partial<RequestConfig> = {}): RequestConfig => ({ output: 'json', deliverytype: 'download', ...extra });
const vc = (subject: Record<string, unknown>) => ({
  '@context': ['https://www.w3.org/2018/credentials/v1', 'https://api.example.org/.well-known/mosip-ida-context.json', 'https://w3id.org/security/suites/ed25519-2020/v1'],
  type: ['VerifiableCredential', 'MOSIPVerifiableCredential'],
  issuer: 'https://issuer.example',
  issuanceDate: '2024-01-01T00:00:00Z',
  credentialSubject: subject,
});
const read = (cfg: RequestConfig, text: string, lang?: string) =>
  all(vcSource.read({ requestId: 'r', inputKind: 'vc', config: cfg, ...(lang ? { lang } : {}), openInput: () => Readable.from([text]) }));

test('vc reads NDJSON (as the API stores request.vcs) in the request language, with its own default mapping', async () => {
  const text = [vc({ VID: '111', fullName: [{ language: 'ara', value: 'A' }, { language: 'fra', value: 'F' }] }), vc({ fullName: 'no id' })].map((v) => JSON.stringify(v)).join('\n');
  const records = await read(config(), text, 'fra');
  expect(records).toEqual([
    { lineNo: 1, data: { VID: '111', fullName: 'F', vid: '111' } },
    { lineNo: 2, error: { code: 'ATS-REQ-064', message: expect.any(String) } },
  ]);
  // a caller who maps vid elsewhere may send VCs without VID/UIN
  const mapped = await read(config({ mapping: { vid: 'nationalId' } }), text);
  expect(mapped.map((r) => 'data' in r)).toEqual([true, true]);
  expect(vcSource.defaultMapping).toMatchObject({ vid: 'vid', name: ['fullName'], dob: 'dateOfBirth', phoneNumber: 'phone', emailId: 'email' });
});

test('vc verifies proofs only when vcconfig.verifyProof is on', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signed = await signCredential(vc({ UIN: '222' }), { type: 'Ed25519Signature2020', privateKey, verificationMethod: 'https://issuer.example/k' });
  const forged = { ...signed, credentialSubject: { UIN: '333' } };
  const text = JSON.stringify([signed, forged]);
  const trustedIssuers = [{ verificationMethod: 'https://issuer.example/k', publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string }];
  const checked = await read(config({ vcconfig: { verifyProof: true, trustedIssuers } }), text);
  expect(checked.map((r) => ('error' in r ? r.error.code : r.data.vid))).toEqual(['222', 'ATS-REQ-065']);
  const unchecked = await read(config({ vcconfig: { verifyProof: false, trustedIssuers } }), text);
  expect(unchecked.map((r) => ('error' in r ? r.error.code : r.data.vid))).toEqual(['222', '333']);
});

test("vc's intake takes request.vcs or vc_file, and refuses an unusable upload with ATS-REQ-069", () => {
  const intake = vcSource.intake;
  if (intake.type !== 'records-or-upload') throw new Error('expected records-or-upload');
  expect([intake.records, intake.upload, intake.missing.code, intake.both.code]).toEqual(['vcs', 'vc_file', 'ATS-REQ-060', 'ATS-REQ-069']);
  expect(intake.check!({ size: 3, binary: true, nonBlankLines: 1 })?.code).toBe('ATS-REQ-069');
  expect(intake.check!({ size: 3, binary: false, nonBlankLines: 0 })?.code).toBe('ATS-REQ-069');
  expect(intake.check!({ size: 3, binary: false, nonBlankLines: 1 })).toBeNull();
});
