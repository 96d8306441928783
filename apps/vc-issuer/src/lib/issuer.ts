import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { ed25519Multibase, MOSIP_CONTEXT_PATH, signCredential, type JwsAlg, type ProofType, type TrustedIssuer } from '@mts/vc';

/** The identity fields a VC is made from: the IDA sandbox's identity shape (`uin`, `vids`, `attributes`). */
export interface IssuableIdentity {
  uin: string;
  vids?: { vid: string; status?: string }[];
  attributes: Record<string, unknown>;
}

/** Options of {@link createVcIssuer}. */
export interface VcIssuerOptions {
  /** Default RsaSignature2018 (what MOSIP's IDA and credential service issue). */
  proofType?: ProofType;
  /** JWS algorithm (JWS types): default RS256, or EdDSA under JsonWebSignature2020 with an Ed25519 key. */
  alg?: JwsAlg;
  /** PKCS#8 PEM of the signing key; default a fresh key (RSA 2048, or Ed25519 for Ed25519Signature2020). */
  privateKeyPem?: string;
  /** The VCs' `issuer`; default `https://vc-issuer.mts.local`. */
  issuer?: string;
  /** The host of the MOSIP context URL (`https://<host>/.well-known/mosip-ida-context.json`); default `api.mts.local`. */
  contextHost?: string;
  /**
   * How language values are written: `list` (default, as the credential service and OpenG2P do) keeps
   * `[{language, value}, …]`; `ida-vci` writes a value held in exactly one language as one `{language, value}` object,
   * as IDA's VCI endpoint does (`VciServiceImpl.getCredSubjectMap`), and lists only for several languages.
   */
  languageValues?: 'list' | 'ida-vci';
}

/** Signs MOSIP VCs for identities. */
export interface VcIssuer {
  /** A signed VC for `identity`, with `UIN` (default) or its first active `VID` as the ID. */
  issue(identity: IssuableIdentity, options?: { idType?: 'UIN' | 'VID'; id?: string }): Promise<Record<string, unknown>>;
  /** The `vcconfig.trustedIssuers` entry that verifies this issuer's VCs (public key only). */
  readonly trustedIssuer: TrustedIssuer;
  /** PKCS#8 PEM of the signing key, to sign more VCs with the same key later. */
  readonly privateKeyPem: string;
}

const SUITE_CONTEXT: Record<ProofType, string[]> = {
  RsaSignature2018: [],
  Ed25519Signature2020: ['https://w3id.org/security/suites/ed25519-2020/v1'],
  JsonWebSignature2020: ['https://w3id.org/security/suites/jws-2020/v1'],
};

/**
 * An issuer of MOSIP-shaped VCs (integrations spec §8: W3C VC 1.1, `MOSIPVerifiableCredential`, the subject's
 * language values as `{language, value}` lists) signed with a Linked Data proof.
 *
 * @example
 * ```ts
 * const issuer = createVcIssuer({ proofType: 'Ed25519Signature2020' });
 * const vc = await issuer.issue(demoIdentities()[0]);
 * // POST authtoken/vc { request: { vcs: [vc], vcconfig: { verifyProof: true, trustedIssuers: [issuer.trustedIssuer] } } }
 * ```
 */
export function createVcIssuer(options: VcIssuerOptions = {}): VcIssuer {
  const proofType = options.proofType ?? 'RsaSignature2018';
  const issuer = options.issuer ?? 'https://vc-issuer.mts.local';
  const contextUrl = `https://${options.contextHost ?? 'api.mts.local'}${MOSIP_CONTEXT_PATH}`;
  const privateKey: KeyObject = options.privateKeyPem
    ? createPrivateKey(options.privateKeyPem)
    : proofType === 'Ed25519Signature2020' || options.alg === 'EdDSA'
      ? generateKeyPairSync('ed25519').privateKey
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = createPublicKey(privateKey);
  const verificationMethod = `${issuer}/keys/${proofType === 'Ed25519Signature2020' ? 'ed25519' : 'jws'}-1`;
  const trustedIssuer: TrustedIssuer =
    publicKey.asymmetricKeyType === 'ed25519'
      ? { issuer, verificationMethod, publicKeyMultibase: ed25519Multibase(publicKey) }
      : { issuer, verificationMethod, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };

  return {
    trustedIssuer,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    async issue(identity, issueOptions = {}) {
      const idType = issueOptions.idType ?? 'UIN';
      const id = issueOptions.id ?? (idType === 'UIN' ? identity.uin : identity.vids?.find((v) => (v.status ?? 'ACTIVE') === 'ACTIVE')?.vid);
      if (!id) throw new Error(`the identity has no ${idType}`);
      const credential = {
        '@context': ['https://www.w3.org/2018/credentials/v1', contextUrl, ...SUITE_CONTEXT[proofType]],
        id: `${issuer}/credentials/${randomUUID()}`,
        type: ['VerifiableCredential', 'MOSIPVerifiableCredential'],
        issuer,
        issuanceDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        credentialSubject: { id: `${issuer}/subjects/${randomUUID()}`, vcVer: 'VC-V1', [idType]: id, ...subjectAttributes(identity.attributes, options.languageValues ?? 'list') },
      };
      return signCredential(credential, { type: proofType, privateKey, verificationMethod, ...(options.alg ? { alg: options.alg } : {}) });
    },
  };
}

const SUBJECT_FIELDS = ['fullName', 'gender', 'dateOfBirth', 'phone', 'email', 'addressLine1', 'addressLine2', 'addressLine3', 'city', 'province', 'region', 'postalCode'];

function subjectAttributes(attributes: Record<string, unknown>, languageValues: 'list' | 'ida-vci'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of SUBJECT_FIELDS) {
    const value = attributes[field];
    if (value === undefined) continue;
    out[field] = languageValues === 'ida-vci' && Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return out;
}
