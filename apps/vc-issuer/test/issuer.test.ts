import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { demoIdentities } from '@mts/ida-sandbox';
import { createProofVerifier, readVcs, VC_CODES, type ProofType } from '@mts/vc';
import { createTempDir } from '@mts/testing';
import { createVcIssuer } from '../src/index.js';

jest.setTimeout(60_000); // the CLI test starts a node process and makes RSA keys: slow on a loaded machine
const [person] = demoIdentities(1, 3);

describe('vc-issuer', () => {
  it.each<ProofType>(['RsaSignature2018', 'Ed25519Signature2020', 'JsonWebSignature2020'])('issues %s VCs that verify with its trustedIssuers entry', async (proofType) => {
    const issuer = createVcIssuer({ proofType });
    const vc = await issuer.issue(person!);
    expect(vc).toMatchObject({ type: ['VerifiableCredential', 'MOSIPVerifiableCredential'], credentialSubject: { UIN: person!.uin, fullName: person!.attributes.fullName } });
    expect(JSON.stringify(issuer.trustedIssuer)).not.toContain('PRIVATE');
    await expect(createProofVerifier([issuer.trustedIssuer]).verify(vc)).resolves.toBeUndefined();
    const [record] = await (async () => {
      const out = [];
      for await (const r of readVcs(Readable.from([JSON.stringify(vc)]), { verifier: createProofVerifier([issuer.trustedIssuer]) })) out.push(r);
      return out;
    })();
    expect(record).toMatchObject({ data: { vid: person!.uin, dateOfBirth: person!.attributes.dateOfBirth } });
  });

  it('uses the VID when asked, and signs again with a saved key', async () => {
    const first = createVcIssuer();
    const again = createVcIssuer({ privateKeyPem: first.privateKeyPem });
    const vc = await again.issue(person!, { idType: 'VID' });
    expect((vc.credentialSubject as Record<string, unknown>).VID).toBe(person!.vids[0]!.vid);
    await expect(createProofVerifier([first.trustedIssuer]).verify(vc)).resolves.toBeUndefined();
    const tampered = { ...vc, credentialSubject: { ...(vc.credentialSubject as object), gender: [{ language: 'eng', value: 'Other' }] } };
    await expect(createProofVerifier([first.trustedIssuer]).verify(tampered)).rejects.toMatchObject({ code: VC_CODES.proofInvalid });
  });

  it("languageValues 'ida-vci': a one-language value is one {language, value} object, as IDA's VCI issues it, and reads and verifies", async () => {
    const issuer = createVcIssuer({ languageValues: 'ida-vci' });
    const vc = await issuer.issue(person!);
    const subject = vc.credentialSubject as Record<string, unknown>;
    expect(subject.fullName).toEqual((person!.attributes.fullName as unknown[])[0]);
    expect(subject.dateOfBirth).toBe(person!.attributes.dateOfBirth);
    await expect(createProofVerifier([issuer.trustedIssuer]).verify(vc)).resolves.toBeUndefined();
    const out = [];
    for await (const r of readVcs(Readable.from([JSON.stringify(vc)]), { lang: 'eng' })) out.push(r);
    expect(out[0]).toMatchObject({ data: { vid: person!.uin, fullName: (person!.attributes.fullName as { value: string }[])[0]!.value } });
  });

  it('the CLI writes NDJSON, the trustedIssuers entry and a whole request body', async () => {
    const dir = await createTempDir('vc-issuer-');
    try {
      const main = join(__dirname, '..', 'dist', 'main.js');
      const identities = demoIdentities(1, 4);
      identities[1]!.status = 'DEACTIVATED'; // skipped: it could not authenticate
      await writeFile(join(dir.path, 'identities.json'), JSON.stringify(identities));
      const args = [main, '--identities', join(dir.path, 'identities.json'), '--count', '3', '--format', 'ndjson', '--proof-type', 'Ed25519Signature2020', '--out', join(dir.path, 'vcs.ndjson'), '--trusted-out', join(dir.path, 'trusted.json'), '--envelope', join(dir.path, 'body.json')];
      await promisify(execFile)(process.execPath, args);
      const lines = (await readFile(join(dir.path, 'vcs.ndjson'), 'utf8')).trim().split('\n');
      expect(lines).toHaveLength(3);
      const trusted = JSON.parse(await readFile(join(dir.path, 'trusted.json'), 'utf8'));
      const verifier = createProofVerifier(trusted);
      for (const line of lines) await expect(verifier.verify(JSON.parse(line))).resolves.toBeUndefined();
      const body = JSON.parse(await readFile(join(dir.path, 'body.json'), 'utf8'));
      expect(body.request).toMatchObject({ output: 'json', deliverytype: 'download', vcconfig: { verifyProof: true, trustedIssuers: trusted } });
      expect(body.request.vcs.map((v: { credentialSubject: { UIN: string } }) => v.credentialSubject.UIN)).toEqual([identities[0]!.uin, identities[2]!.uin, identities[3]!.uin]);
    } finally {
      await dir.remove();
    }
  });
});
