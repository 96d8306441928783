import { generateKeyPair, KeyObject, X509Certificate, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { CryptoError } from './errors.js';

/** An RSA key pair as pre-parsed `KeyObject`s. */
export interface RsaKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Generates an RSA key pair (default 2048 bits) with OpenSSL, off the main thread. For development and tests.
 *
 * @example
 * const { privateKey, publicKey } = await generateRsaKeyPair();
 */
export function generateRsaKeyPair(modulusLength = 2048): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength }, (err, publicKey, privateKey) => {
      if (err) reject(new CryptoError('CRYPTO_INVALID_INPUT', 'RSA key generation failed', { cause: err }));
      else resolve({ privateKey, publicKey });
    });
  });
}

/** Options for {@link createDevCertificate}. */
export interface DevCertificateOptions {
  /** Key pair the certificate is for. */
  keyPair: RsaKeyPair;
  /** Subject common name, e.g. `mpartner-default-auth`. */
  commonName: string;
  organization?: string;
  /** Valid from this instant (default: now − 1 minute). */
  notBefore?: Date;
  /** Validity in days from `notBefore` (default 365). */
  days?: number;
  /** Mark as a CA (basicConstraints cA=true, keyCertSign) so it can issue others. */
  isCa?: boolean;
  /** Issuer; omit for a self-signed certificate. */
  issuer?: { certificate: X509Certificate; privateKey: KeyObject };
}

/**
 * Creates a development X.509 certificate signed with SHA-256: self-signed, or issued by `issuer`.
 *
 * @example
 * const keyPair = await generateRsaKeyPair();
 * const cert = createDevCertificate({ keyPair, commonName: 'ida-partner' });
 */
export function createDevCertificate(options: DevCertificateOptions): X509Certificate {
  const { keyPair, commonName, issuer } = options;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keyPair.publicKey.export({ format: 'pem', type: 'spki' }).toString());
  // Positive serial: clear the top bit of 16 random bytes.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + (options.days ?? 365) * 86_400_000);
  const subject = [{ shortName: 'CN', value: commonName }];
  if (options.organization) subject.push({ shortName: 'O', value: options.organization });
  cert.setSubject(subject);
  cert.setIssuer(issuer ? forge.pki.certificateFromPem(issuer.certificate.toString()).subject.attributes : subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: options.isCa ?? false, critical: true },
    options.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, dataEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const signingKey = issuer?.privateKey ?? keyPair.privateKey;
  cert.sign(forgePrivateKey(signingKey), forge.md.sha256.create());
  return new X509Certificate(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
}

/** Options for {@link createPkcs12}. */
export interface Pkcs12Options {
  privateKey: KeyObject;
  certificate: X509Certificate;
  /** Further certificates to include, e.g. the issuing CA. */
  chain?: X509Certificate[];
  password: string;
  friendlyName?: string;
}

/**
 * Builds a PKCS#12 store (AES-256 encrypted, SHA-1 MAC: readable by OpenSSL, Java and Python), as DER bytes
 * ready to be written to a `.p12` file.
 *
 * @example
 * writeFileSync('partner.p12', createPkcs12({ privateKey, certificate, password: 'dev-only' }));
 */
export function createPkcs12(options: Pkcs12Options): Buffer {
  const certs = [options.certificate, ...(options.chain ?? [])].map((c) => forge.pki.certificateFromPem(c.toString()));
  const asn1 = forge.pkcs12.toPkcs12Asn1(forgePrivateKey(options.privateKey), certs, options.password, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
    // forge writes an empty attribute for an undefined name, so only pass one that is set.
    ...(options.friendlyName ? { friendlyName: options.friendlyName } : {}),
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function forgePrivateKey(key: KeyObject): forge.pki.rsa.PrivateKey {
  if (key.asymmetricKeyType !== 'rsa') throw new CryptoError('CRYPTO_INVALID_KEY', 'development certificates need RSA keys');
  return forge.pki.privateKeyFromPem(key.export({ format: 'pem', type: 'pkcs1' }).toString()) as forge.pki.rsa.PrivateKey;
}
