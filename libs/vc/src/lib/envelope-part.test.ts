import { generateKeyPairSync } from 'node:crypto';
import { checkVcConfig } from './envelope-part.js';
import { ed25519Multibase } from './keys.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = generateKeyPairSync('ed25519');
const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const codes = (v: unknown) => checkVcConfig(v).map((i) => [i.errorCode, i.httpStatus]);

describe('checkVcConfig', () => {
  it('accepts no config, verifyProof false, and readable keys in each form', () => {
    expect(codes(undefined)).toEqual([]);
    expect(codes({ verifyProof: false })).toEqual([]);
    expect(
      codes({
        verifyProof: true,
        trustedIssuers: [
          { verificationMethod: 'a', publicKeyPem: pem },
          { verificationMethod: 'b', publicKeyJwk: ed.publicKey.export({ format: 'jwk' }) },
          { verificationMethod: 'c', publicKeyMultibase: ed25519Multibase(ed.publicKey) },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses verifyProof without trusted keys, and unreadable, private, doubled or missing keys (ATS-REQ-061, 400)', () => {
    expect(codes({ verifyProof: true })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ verifyProof: true, trustedIssuers: [] })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ trustedIssuers: [{ verificationMethod: 'a', publicKeyPem: 'not a pem' }] })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ trustedIssuers: [{ verificationMethod: 'a' }] })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ trustedIssuers: [{ verificationMethod: 'a', publicKeyPem: pem, publicKeyMultibase: 'z6Mk' }] })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ trustedIssuers: [{ verificationMethod: 'a', publicKeyJwk: ed.privateKey.export({ format: 'jwk' }) }] })).toEqual([['ATS-REQ-061', 400]]);
    expect(codes({ trustedIssuers: [{ verificationMethod: 'a', publicKeyMultibase: 'zNotAKey' }] })).toEqual([['ATS-REQ-061', 400]]);
    const [problem] = checkVcConfig({ trustedIssuers: [{ verificationMethod: 'a', publicKeyPem: '-----BEGIN PUBLIC KEY-----\nSECRETISH\n-----END PUBLIC KEY-----' }] });
    expect(problem!.errorMessage).not.toContain('SECRETISH');
  });
});
