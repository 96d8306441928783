import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { decodeBase58, encodeBase58 } from './base58.js';

/** One entry of `vcconfig.trustedIssuers`: a verification method and its public key (one of the three forms). */
export interface TrustedIssuer {
  /** When given, the VC's `issuer` (or `issuer.id`) must equal it. */
  issuer?: string;
  /** The proof's `verificationMethod` this key answers for (e.g. `https://issuer.example/keys/1` or `did:…#key-1`). */
  verificationMethod: string;
  publicKeyPem?: string;
  publicKeyJwk?: JsonWebKey;
  /** Ed25519 only: multibase base58btc of the multicodec-prefixed key (`z6Mk…`). */
  publicKeyMultibase?: string;
}

// multicodec ed25519-pub, varint-encoded
const ED25519_PUB = [0xed, 0x01];

/** The public key of a trusted issuer entry; throws (a plain Error, message without key material) if unreadable. */
export function publicKeyOf(entry: TrustedIssuer): KeyObject {
  const forms = [entry.publicKeyPem, entry.publicKeyJwk, entry.publicKeyMultibase].filter((v) => v !== undefined && v !== null);
  if (forms.length !== 1) throw new Error('give exactly one of publicKeyPem, publicKeyJwk, publicKeyMultibase');
  let key: KeyObject;
  if (entry.publicKeyPem !== undefined) key = createPublicKey({ key: entry.publicKeyPem, format: 'pem' });
  else if (entry.publicKeyJwk !== undefined) {
    if ('d' in entry.publicKeyJwk) throw new Error('publicKeyJwk holds a private key');
    key = createPublicKey({ key: entry.publicKeyJwk, format: 'jwk' });
  } else key = createPublicKey({ key: ed25519JwkFromMultibase(entry.publicKeyMultibase!), format: 'jwk' });
  if (key.type !== 'public') throw new Error('not a public key');
  const kind = key.asymmetricKeyType;
  if (kind !== 'rsa' && kind !== 'rsa-pss' && kind !== 'ed25519' && kind !== 'ec') throw new Error('an RSA, EC or Ed25519 key is needed');
  return key;
}

function ed25519JwkFromMultibase(text: string): JsonWebKey {
  const bytes = text.startsWith('z') ? decodeBase58(text.slice(1)) : undefined;
  if (!bytes || bytes.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1]) {
    throw new Error('publicKeyMultibase is not a base58btc Ed25519 public key');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') };
}

/** `publicKeyMultibase` of an Ed25519 public key (`z6Mk…`). */
export function ed25519Multibase(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return `z${encodeBase58(Uint8Array.from([...ED25519_PUB, ...Buffer.from(jwk.x, 'base64url')]))}`;
}
