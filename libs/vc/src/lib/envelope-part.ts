import { issue, type EnvelopeIssue, type InputEnvelopePart, type JsonSchema, type VcConfig } from '@mts/envelope';
import { VC_CODES } from './errors.js';
import { publicKeyOf, type TrustedIssuer } from './keys.js';

const text = { type: 'string' } as const;

/** JSON Schema of `request.vcconfig` (shape only; {@link checkVcConfig} does the rest). */
export const vcConfigSchema: JsonSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    verifyProof: { type: 'boolean', default: false, description: "check each VC's Linked Data proof (RsaSignature2018, Ed25519Signature2020, JsonWebSignature2020)" },
    trustedIssuers: {
      type: 'array',
      description: 'the keys proofs may be made with; required (non-empty) when verifyProof is true',
      items: {
        type: 'object',
        required: ['verificationMethod'],
        additionalProperties: false,
        properties: {
          issuer: { ...text, description: "when given, the VC's issuer must be this" },
          verificationMethod: { ...text, minLength: 1, description: "the proof's verificationMethod this key answers for" },
          publicKeyPem: { ...text, description: 'SPKI PEM' },
          publicKeyJwk: { type: 'object', description: 'a public JWK (RSA, EC P-256 or OKP Ed25519)' },
          publicKeyMultibase: { ...text, description: 'Ed25519: multibase base58btc (z6Mk…)' },
        },
      },
    },
  },
};

/** JSON Schema of `request.vcs`: the VCs, when the body is JSON (a multipart body brings them as `vc_file`). */
export const vcsSchema: JsonSchema = {
  type: ['array', 'null'],
  description: 'MOSIP VCs (JSON objects); or send the envelope as the multipart field request with a vc_file (JSON array or NDJSON)',
};

/**
 * The problems of a `vcconfig` that passed its schema, as ATS-REQ-061 issues: `verifyProof` without any trusted
 * key, or a key that is not exactly one readable public key. Messages name the entry, never the key.
 */
export function checkVcConfig(value: unknown): readonly EnvelopeIssue[] {
  const config = (value ?? {}) as VcConfig;
  const trusted = config.trustedIssuers ?? [];
  if (config.verifyProof === true && trusted.length === 0) {
    return [issue(VC_CODES.badConfig, 'invalid input. vcconfig.verifyProof needs at least one vcconfig.trustedIssuers entry')];
  }
  for (let i = 0; i < trusted.length; i++) {
    try {
      publicKeyOf(trusted[i] as TrustedIssuer);
    } catch (err) {
      return [issue(VC_CODES.badConfig, `invalid input. vcconfig.trustedIssuers[${i}]: ${keyProblem(err)}`)];
    }
  }
  return [];
}

// Node's own messages about a key are kept out (they may quote the input); ours are fixed texts.
function keyProblem(err: unknown): string {
  const message = (err as Error).message;
  return /^(give exactly one|publicKeyJwk holds|not a public key|an RSA, EC|publicKeyMultibase is not)/.test(message) ? message : 'the public key cannot be read';
}

/** POST authtoken/vc's envelope part: `request.vcconfig` (optional). `request.vcs` is taken in by the API's intake. */
export const vcInput: InputEnvelopePart<'vc'> = {
  kind: 'vc',
  key: 'vcconfig',
  schema: vcConfigSchema,
  check: (value) => checkVcConfig(value),
};
