import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase58, encodeBase58 } from './base58.js';
import { proofVerifyData } from './canonize.js';
import { VC_CODES, VcError } from './errors.js';
import { publicKeyOf, type TrustedIssuer } from './keys.js';

/** The Linked Data proof types this library signs and verifies. */
export const PROOF_TYPES = ['RsaSignature2018', 'Ed25519Signature2020', 'JsonWebSignature2020'] as const;
export type ProofType = (typeof PROOF_TYPES)[number];

/** JWS algorithms each JWS-based proof type accepts. */
const JWS_ALGS: Record<Exclude<ProofType, 'Ed25519Signature2020'>, readonly JwsAlg[]> = {
  RsaSignature2018: ['RS256', 'PS256'],
  JsonWebSignature2020: ['RS256', 'PS256', 'EdDSA', 'ES256'],
};
export type JwsAlg = 'RS256' | 'PS256' | 'EdDSA' | 'ES256';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const idOf = (v: unknown) => (typeof v === 'string' ? v : isObject(v) && typeof v.id === 'string' ? v.id : undefined);
const invalid = (message: string) => new VcError(VC_CODES.proofInvalid, message);

/** Checks VC proofs against a fixed list of trusted keys (parsed once). */
export interface ProofVerifier {
  /**
   * Resolves when every proof of `vc` verifies with a trusted key; else rejects with a {@link VcError} (ATS-REQ-065..068).
   * A proof covers only terms the VC's contexts define: read a verified VC with `readVcs` or `readSignedSubject`.
   */
  verify(vc: Readonly<Json>): Promise<void>;
}

/**
 * A verifier for `vcconfig.trustedIssuers`. The proof's `verificationMethod` picks the key (no key is ever fetched);
 * an entry's `issuer`, when given, must be the VC's issuer. Throws a plain Error naming the entry whose key is
 * unreadable (the envelope check reports it as ATS-REQ-061 first).
 *
 * @example
 * ```ts
 * const verifier = createProofVerifier([{ verificationMethod: 'https://issuer.example/key-1', publicKeyPem }]);
 * await verifier.verify(vc); // throws VcError ATS-REQ-065 for a tampered VC
 * ```
 */
export function createProofVerifier(trustedIssuers: readonly TrustedIssuer[]): ProofVerifier {
  const keys = new Map<string, { issuer?: string; key: KeyObject }[]>();
  trustedIssuers.forEach((entry, i) => {
    let key: KeyObject;
    try {
      key = publicKeyOf(entry);
    } catch (err) {
      throw new Error(`trustedIssuers[${i}]: ${(err as Error).message}`);
    }
    const list = keys.get(entry.verificationMethod) ?? [];
    list.push({ ...(entry.issuer === undefined ? {} : { issuer: entry.issuer }), key });
    keys.set(entry.verificationMethod, list);
  });

  async function verifyOne(vc: Readonly<Json>, proof: unknown): Promise<void> {
    if (!isObject(proof)) throw invalid('the VC has no proof');
    const type = proof.type;
    if (typeof type !== 'string' || !(PROOF_TYPES as readonly string[]).includes(type)) {
      throw new VcError(VC_CODES.unsupportedProof, `the proof type is not one of ${PROOF_TYPES.join(', ')}`);
    }
    const method = idOf(proof.verificationMethod);
    const candidates = method === undefined ? undefined : keys.get(method);
    if (!candidates) throw new VcError(VC_CODES.untrustedIssuer, "the proof's verificationMethod is not among vcconfig.trustedIssuers");
    const issuer = idOf(vc.issuer);
    const trusted = candidates.filter((c) => c.issuer === undefined || c.issuer === issuer);
    if (trusted.length === 0) throw new VcError(VC_CODES.untrustedIssuer, "the VC's issuer is not the one trusted for its verificationMethod");
    if (proof.proofPurpose !== 'assertionMethod') throw invalid('the proof purpose is not assertionMethod');

    let check: (data: Buffer, key: KeyObject) => boolean;
    if (type === 'Ed25519Signature2020') {
      const value = proof.proofValue;
      const signature = typeof value === 'string' && value.startsWith('z') ? decodeBase58(value.slice(1)) : undefined;
      if (!signature || signature.length !== 64) throw invalid('proofValue is not a base58btc Ed25519 signature');
      check = (data, key) => key.asymmetricKeyType === 'ed25519' && verify(null, data, key, signature);
    } else {
      const jws = parseDetachedJws(proof.jws, JWS_ALGS[type as keyof typeof JWS_ALGS]);
      check = (data, key) => verifyJws(jws.alg, Buffer.concat([Buffer.from(`${jws.header}.`, 'ascii'), data]), key, jws.signature);
    }
    const data = await proofVerifyData(vc, proof);
    if (!trusted.some((t) => check(data, t.key))) throw invalid('the proof does not verify: the VC was changed after signing, or signed with another key');
  }

  return {
    async verify(vc) {
      const proofs = Array.isArray(vc.proof) ? vc.proof : [vc.proof];
      if (proofs.length === 0) throw invalid('the VC has no proof');
      // A proof set: each proof signs the document without the others.
      for (const proof of proofs) await verifyOne(vc, proof);
    },
  };
}

interface DetachedJws {
  header: string;
  alg: JwsAlg;
  signature: Buffer;
}

/** `header..signature` with `b64: false` and `crit: ["b64"]` (RFC 7797), an algorithm from `algs`. */
function parseDetachedJws(value: unknown, algs: readonly JwsAlg[]): DetachedJws {
  const parts = typeof value === 'string' ? value.split('.') : [];
  if (parts.length !== 3 || parts[1] !== '' || !parts[0] || !parts[2]) throw invalid('jws is not a detached JWS (header..signature)');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    throw invalid('the JWS header is not base64url JSON');
  }
  if (!isObject(header) || header.b64 !== false || !Array.isArray(header.crit) || !header.crit.includes('b64')) {
    throw invalid('the JWS header must have b64: false and crit: ["b64"]');
  }
  if (!algs.includes(header.alg as JwsAlg)) throw new VcError(VC_CODES.unsupportedProof, `the JWS algorithm is not one of ${algs.join(', ')}`);
  return { header: parts[0], alg: header.alg as JwsAlg, signature: Buffer.from(parts[2], 'base64url') };
}

function verifyJws(alg: JwsAlg, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  const kind = key.asymmetricKeyType;
  switch (alg) {
    case 'RS256':
      return kind === 'rsa' && verify('sha256', data, key, signature);
    case 'PS256':
      return (kind === 'rsa' || kind === 'rsa-pss') && verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
    case 'EdDSA':
      return kind === 'ed25519' && verify(null, data, key, signature);
    case 'ES256':
      return kind === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
}

function signJws(alg: JwsAlg, data: Buffer, key: KeyObject): Buffer {
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'EdDSA':
      return sign(null, data, key);
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  }
}

/** How {@link signCredential} signs. */
export interface SignOptions {
  type: ProofType;
  privateKey: KeyObject;
  /** The key's id, as a verifier's trustedIssuers entry names it. */
  verificationMethod: string;
  /** JWS algorithm for the JWS-based types; default RS256 (EdDSA for an Ed25519 key under JsonWebSignature2020). */
  alg?: JwsAlg;
  /** ISO date-time of the proof; default now. */
  created?: string;
}

/**
 * Adds a Linked Data proof to `credential` (which must carry the contexts its proof type needs): for the JWS types a
 * detached `b64: false` JWS over the header and the canonical proof-options and document hashes, for
 * Ed25519Signature2020 a base58btc `proofValue`.
 *
 * @example
 * ```ts
 * const signed = await signCredential(vc, { type: 'RsaSignature2018', privateKey, verificationMethod: 'https://issuer.example/key-1' });
 * ```
 */
export async function signCredential<T extends Json>(credential: T, options: SignOptions): Promise<T & { proof: Json }> {
  const proof: Json = {
    type: options.type,
    created: options.created ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    proofPurpose: 'assertionMethod',
    verificationMethod: options.verificationMethod,
  };
  const data = await proofVerifyData(credential, proof);
  if (options.type === 'Ed25519Signature2020') {
    proof.proofValue = `z${encodeBase58(sign(null, data, options.privateKey))}`;
  } else {
    const alg = options.alg ?? (options.privateKey.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'RS256');
    if (!JWS_ALGS[options.type].includes(alg)) throw new Error(`${options.type} does not take ${alg}`);
    const header = Buffer.from(JSON.stringify({ alg, b64: false, crit: ['b64'] })).toString('base64url');
    const signature = signJws(alg, Buffer.concat([Buffer.from(`${header}.`, 'ascii'), data]), options.privateKey);
    proof.jws = `${header}..${signature.toString('base64url')}`;
  }
  return { ...credential, proof };
}
