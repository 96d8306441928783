// The JSON Web Signature 2020 suite context (W3C CCG "JSON Web Signature 2020", its published
// https://w3id.org/security/suites/jws-2020/v1 document), written out from the specification's definitions.
const SEC = 'https://w3id.org/security#';
const XSD_DATETIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const purpose = (name: string, id = name) => ({ '@id': `${SEC}${id}`, '@type': '@id', '@container': '@set' });

/** `https://w3id.org/security/suites/jws-2020/v1`. */
export const JWS_2020_CONTEXT = Object.freeze({
  '@context': {
    privateKeyJwk: { '@id': `${SEC}privateKeyJwk`, '@type': '@json' },
    JsonWebKey2020: {
      '@id': `${SEC}JsonWebKey2020`,
      '@context': {
        '@protected': true,
        id: '@id',
        type: '@type',
        publicKeyJwk: { '@id': `${SEC}publicKeyJwk`, '@type': '@json' },
      },
    },
    JsonWebSignature2020: {
      '@id': `${SEC}JsonWebSignature2020`,
      '@context': {
        '@protected': true,
        id: '@id',
        type: '@type',
        challenge: `${SEC}challenge`,
        created: { '@id': 'http://purl.org/dc/terms/created', '@type': XSD_DATETIME },
        domain: `${SEC}domain`,
        expires: { '@id': `${SEC}expiration`, '@type': XSD_DATETIME },
        jws: `${SEC}jws`,
        nonce: `${SEC}nonce`,
        proofPurpose: {
          '@id': `${SEC}proofPurpose`,
          '@type': '@vocab',
          '@context': {
            '@protected': true,
            id: '@id',
            type: '@type',
            assertionMethod: purpose('assertionMethod'),
            authentication: purpose('authentication', 'authenticationMethod'),
            capabilityInvocation: purpose('capabilityInvocation', 'capabilityInvocationMethod'),
            capabilityDelegation: purpose('capabilityDelegation', 'capabilityDelegationMethod'),
            keyAgreement: purpose('keyAgreement', 'keyAgreementMethod'),
          },
        },
        verificationMethod: { '@id': `${SEC}verificationMethod`, '@type': '@id' },
      },
    },
  },
});
