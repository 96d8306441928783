import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { toBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

/** A private key with its certificate (and any other certificates in the same store). */
export interface KeyMaterial {
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** The other certificates of the store, e.g. the issuing CA. */
  chain: X509Certificate[];
}

/**
 * Reads a PKCS#12 (.p12/.pfx) store: its private key, the certificate matching that key, and the rest.
 * Parsed once, at start-up: the result holds pre-parsed `KeyObject`s for the hot path.
 *
 * @example
 * const { privateKey, certificate } = loadPkcs12(readFileSync('partner.p12'), process.env.P12_PASSWORD!);
 * @throws CryptoError `CRYPTO_PKCS12` for a wrong password, malformed file, or no key/certificate in it
 */
export function loadPkcs12(p12: Uint8Array, password: string): KeyMaterial {
  let keys: Buffer[];
  let certs: X509Certificate[];
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(toBuffer(p12).toString('binary')));
    const store = forge.pkcs12.pkcs12FromAsn1(asn1, password);
    keys = [forge.pki.oids.pkcs8ShroudedKeyBag, forge.pki.oids.keyBag].flatMap((bagType) =>
      (store.getBags({ bagType })[bagType] ?? []).map((bag) => {
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
        return Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary');
      }),
    );
    const certBag = forge.pki.oids.certBag;
    certs = (store.getBags({ bagType: certBag })[certBag] ?? []).map((bag) => {
      const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
      return new X509Certificate(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'));
    });
  } catch (cause) {
    // forge's messages name the failing step (MAC, decryption); no key material is in them.
    throw new CryptoError('CRYPTO_PKCS12', 'cannot read PKCS#12 store (wrong password or unreadable file)', { cause });
  }
  if (keys.length === 0) throw new CryptoError('CRYPTO_PKCS12', 'PKCS#12 store holds no private key');
  const privateKey = createPrivateKey({ key: keys[0], format: 'der', type: 'pkcs8' });
  const certificate = certs.find((c) => c.checkPrivateKey(privateKey));
  if (!certificate) throw new CryptoError('CRYPTO_PKCS12', 'PKCS#12 store holds no certificate for its private key');
  return { privateKey, certificate, chain: certs.filter((c) => c !== certificate) };
}

/**
 * Reads an X.509 certificate from PEM text or DER bytes (the first one, if the PEM holds several).
 *
 * @example
 * const idaPartnerCert = loadCertificate(readFileSync('ida-partner.cer'));
 * @throws CryptoError `CRYPTO_INVALID_CERTIFICATE`
 */
export function loadCertificate(data: Uint8Array | string): X509Certificate {
  try {
    return new X509Certificate(typeof data === 'string' ? data : toBuffer(data));
  } catch (cause) {
    throw new CryptoError('CRYPTO_INVALID_CERTIFICATE', 'cannot parse X.509 certificate (expected PEM or DER)', { cause });
  }
}

/**
 * Reads a private key: PEM (PKCS#8, PKCS#1, encrypted PKCS#8 with `passphrase`) or DER (PKCS#8, then PKCS#1).
 *
 * @example
 * const key = loadPrivateKey(readFileSync('ida-partner.key'));
 * @throws CryptoError `CRYPTO_INVALID_KEY`
 */
export function loadPrivateKey(data: Uint8Array | string, passphrase?: string): KeyObject {
  const attempts: Array<() => KeyObject> = isPem(data)
    ? [() => createPrivateKey({ key: asString(data), format: 'pem', passphrase })]
    : [
        () => createPrivateKey({ key: toBuffer(data as Uint8Array), format: 'der', type: 'pkcs8', passphrase }),
        () => createPrivateKey({ key: toBuffer(data as Uint8Array), format: 'der', type: 'pkcs1' }),
      ];
  return firstOf(attempts, 'CRYPTO_INVALID_KEY', 'cannot parse private key (expected PEM or DER)');
}

/**
 * Reads a public key from a certificate, a public key (PEM or DER SPKI), or returns the key of an
 * `X509Certificate`.
 *
 * @example
 * const key = loadPublicKey(readFileSync('ida-partner.cer'));
 * @throws CryptoError `CRYPTO_INVALID_KEY`
 */
export function loadPublicKey(data: Uint8Array | string | X509Certificate): KeyObject {
  if (data instanceof X509Certificate) return data.publicKey;
  const attempts: Array<() => KeyObject> = [
    () => loadCertificate(data).publicKey,
    isPem(data)
      ? () => createPublicKey({ key: asString(data), format: 'pem' })
      : () => createPublicKey({ key: toBuffer(data as Uint8Array), format: 'der', type: 'spki' }),
  ];
  return firstOf(attempts, 'CRYPTO_INVALID_KEY', 'cannot parse public key or certificate');
}

function firstOf(attempts: Array<() => KeyObject>, code: 'CRYPTO_INVALID_KEY', message: string): KeyObject {
  let last: unknown;
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch (e) {
      last = e;
    }
  }
  throw new CryptoError(code, message, { cause: last });
}

function isPem(data: Uint8Array | string): boolean {
  return typeof data === 'string' ? data.includes('-----BEGIN') : toBuffer(data).includes('-----BEGIN');
}

function asString(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : toBuffer(data).toString('utf8');
}
