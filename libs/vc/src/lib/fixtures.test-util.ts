// Synthetic VCs for this library's tests (made-up people and numbers).
export const MOSIP_CONTEXT = 'https://api.sandbox.example/.well-known/mosip-ida-context.json';

export function sampleVc(overrides: Record<string, unknown> = {}, contexts: string[] = []): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/2018/credentials/v1', MOSIP_CONTEXT, ...contexts],
    id: 'https://issuer.example/credentials/1',
    type: ['VerifiableCredential', 'MOSIPVerifiableCredential'],
    issuer: 'https://issuer.example',
    issuanceDate: '2024-05-01T10:20:30Z',
    credentialSubject: {
      id: 'did:example:subject-1',
      vcVer: 'VC-V1',
      UIN: '5918372640',
      fullName: [
        { language: 'fra', value: 'Amara Okafeur' },
        { language: 'eng', value: 'Amara Okafor' },
      ],
      gender: { language: 'eng', value: 'Female' },
      dateOfBirth: '1985/04/12',
      phone: '7123456789',
      email: 'amara@example.org',
      addressLine1: [{ language: 'eng', value: '12 Cedar Street' }],
      city: [{ language: 'eng', value: 'Kenitra' }],
      postalCode: '14000',
      ...overrides,
    },
  };
}
