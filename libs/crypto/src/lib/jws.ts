import { KeyObject, sign as cryptoSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { certificatePublicKey } from './cert-key.js';
import { base64StdDecodeStrict, base64UrlDecode } from './base64url.js';
import { toBuffer } from './bytes.js';
import { CryptoError } from './errors.js';

// The hot path: node:crypto's callback form of sign() runs on the libuv threadpool, so signing uses every core
// and leaves the event loop free. node-jose is deliberately not used here; it is the reference verifier in tests.

/** A JWS protected header as read from the wire. */
export interface JwsHeader {
  alg: string;
  x5c?: string[];
  kid?: string;
  [name: string]: unknown;
}

/** Options for {@link createJwsSigner}. */
export interface JwsSignerOptions {
  /** Pre-parsed RSA private key (see `loadPkcs12`). */
  privateKey: KeyObject;
  /** Put into `x5c[0]` as standard base64 DER (RFC 7515), the form every IDA version accepts. */
  certificate?: X509Certificate;
  /** Extra protected-header members, e.g. `{ kid }`. `alg` and `x5c` cannot be overridden. */
  header?: Record<string, unknown>;
}

/** Signs bodies as detached compact JWS (`header..signature`) with one pre-serialised header. */
export interface JwsSigner {
  /** The protected header, base64url, computed once. */
  readonly headerSegment: string;
  /** Signs off the main thread. */
  sign(body: Uint8Array | string): Promise<string>;
  /** Signs on the calling thread (for scripts and tests). */
  signSync(body: Uint8Array | string): string;
}

/**
 * Creates a detached-JWS RS256 signer. Serialise the HTTP body once and sign exactly those bytes.
 *
 * @example
 * const signer = createJwsSigner({ privateKey, certificate });
 * const body = JSON.stringify(request);
 * const signature = await signer.sign(body); // the `signature` header
 * @throws CryptoError `CRYPTO_INVALID_KEY` if the key is not RSA or does not belong to the certificate
 */
export function createJwsSigner(options: JwsSignerOptions): JwsSigner {
  const { privateKey, certificate } = options;
  if (!(privateKey instanceof KeyObject) || privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new CryptoError('CRYPTO_INVALID_KEY', 'JWS RS256 needs an RSA private KeyObject');
  }
  if (certificate && !certificate.checkPrivateKey(privateKey)) {
    throw new CryptoError('CRYPTO_INVALID_KEY', 'JWS signing key does not match the x5c certificate');
  }
  const header: Record<string, unknown> = { ...options.header, alg: 'RS256' };
  if (certificate) header.x5c = [certificate.raw.toString('base64')];
  const headerSegment = Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
  const headerDot = Buffer.from(`${headerSegment}.`, 'latin1');
  const input = (body: Uint8Array | string): Buffer => signingInput(headerDot, bodySegment(body));

  return {
    headerSegment,
    sign(body) {
      const data = input(body);
      return new Promise((resolve, reject) => {
        cryptoSign('sha256', data, privateKey, (err, sig) => {
          if (err) reject(new CryptoError('CRYPTO_SIGN_FAILED', 'RS256 signing failed', { cause: err }));
          else resolve(`${headerSegment}..${sig.toString('base64url')}`);
        });
      });
    },
    signSync(body) {
      try {
        return `${headerSegment}..${signSyncImpl(input(body), privateKey)}`;
      } catch (cause) {
        throw new CryptoError('CRYPTO_SIGN_FAILED', 'RS256 signing failed', { cause });
      }
    },
  };
}

/**
 * One-off detached JWS RS256 signature. For many bodies, create a signer once with {@link createJwsSigner}.
 *
 * @example
 * const signature = await signDetachedJws(body, { privateKey, certificate });
 */
export function signDetachedJws(body: Uint8Array | string, options: JwsSignerOptions): Promise<string> {
  return createJwsSigner(options).sign(body);
}

/** Options for {@link verifyDetachedJws}. */
export interface VerifyJwsOptions {
  /** Verify with this certificate's key instead of `x5c[0]` (pinning). `x5c` is then optional. */
  certificate?: X509Certificate;
  /**
   * How to read `x5c[0]`: `strict` = RFC 7515 standard base64 of DER (KM 1.3.0); `lenient` = whitespace ignored,
   * either alphabet, DER or PEM inside (KM 1.2.x, which accepts MTS's PEM form). Default `strict`.
   */
  x5c?: 'strict' | 'lenient';
}

/** What a successful verification returns. */
export interface VerifiedJws {
  /** The protected header (frozen: it is shared between verifications of the same header). */
  header: Readonly<JwsHeader>;
  /** The certificate from `x5c[0]`, when present. Trust in it is the caller's decision. */
  certificate?: X509Certificate;
}

/**
 * Verifies a detached compact JWS over the exact body bytes. Only RS256 is accepted (`none` and every other
 * `alg` are rejected), and `crit` is refused. Without `options.certificate` the key comes from `x5c[0]`.
 *
 * @example
 * const { header, certificate } = await verifyDetachedJws(req.headers.signature, rawBody);
 * @throws CryptoError `CRYPTO_JWS_MALFORMED`, `CRYPTO_JWS_ALGORITHM`, `CRYPTO_JWS_NO_CERTIFICATE`,
 *   `CRYPTO_INVALID_CERTIFICATE` or `CRYPTO_JWS_SIGNATURE` (as a rejected promise)
 */
export async function verifyDetachedJws(
  jws: string,
  body: Uint8Array | string,
  options: VerifyJwsOptions = {},
): Promise<VerifiedJws> {
  const parts = typeof jws === 'string' ? jws.split('.') : [];
  if (parts.length !== 3 || parts[0] === '' || parts[2] === '') {
    throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS is not in compact form header.payload.signature');
  }
  const payload = bodySegment(body);
  if (parts[1] !== '' && parts[1] !== payload) {
    throw new CryptoError('CRYPTO_JWS_SIGNATURE', 'JWS payload does not match the body');
  }
  const { header, certificate, headerDot } = readProtected(parts[0], options.x5c ?? 'strict');
  const signature = decodePart(parts[2]);
  const pinned = options.certificate;
  const key = pinned ? certificatePublicKey(pinned) : certificate ? certificatePublicKey(certificate) : undefined;
  if (!key) throw new CryptoError('CRYPTO_JWS_NO_CERTIFICATE', 'JWS header has no x5c certificate');
  if (key.asymmetricKeyType !== 'rsa') throw new CryptoError('CRYPTO_JWS_SIGNATURE', 'JWS certificate key is not RSA');
  if (!checkRs256(() => signingInput(headerDot, payload), key, signature)) throw new CryptoError('CRYPTO_JWS_SIGNATURE', 'JWS signature does not verify');
  return { header, certificate };
}

/**
 * Whether `signature` is an RS256 signature by `key` over `headerSegment.payloadSegment` (both base64url, as on the
 * wire). Only the signature: for a verifier that has already read and trusted the header; {@link verifyDetachedJws}
 * does the whole check. Runs on the calling thread: a public-key check takes 20–40 µs, less than a threadpool round
 * trip. Any failure, a malformed signature or a key that is not RSA included, is `false`.
 *
 * @example
 * verifyRs256(headerSegment, body.toString('base64url'), certificate.publicKey, Buffer.from(sig, 'base64url'));
 */
export function verifyRs256(headerSegment: string, payloadSegment: string, key: KeyObject, signature: Uint8Array): boolean {
  return checkRs256(() => signingInput(Buffer.from(`${headerSegment}.`, 'latin1'), payloadSegment), key, signature);
}

function checkRs256(input: () => Buffer, key: KeyObject, signature: Uint8Array): boolean {
  try {
    return cryptoVerify('sha256', input(), key, signature);
  } catch {
    return false;
  }
}

/**
 * `header.payload` as bytes, from the header's bytes with their dot (kept per signer or per peer's header) and the
 * payload segment written after them. An IDA header carries its x5c certificate (about 2.4 KB), so building the
 * whole input as one string first cost each call another copy of it, flattened on the JS heap.
 */
function signingInput(headerDot: Buffer, payloadSegment: string): Buffer {
  const out = Buffer.allocUnsafe(headerDot.length + payloadSegment.length);
  headerDot.copy(out, 0);
  out.write(payloadSegment, headerDot.length, 'latin1');
  return out;
}

interface ProtectedHeader {
  header: JwsHeader;
  certificate?: X509Certificate;
  /** The segment's bytes and the dot after them: the start of every signing input under this header. */
  headerDot: Buffer;
}

// Peers sign with one protected header over and over: parse it, and its x5c certificate, once. One cache per x5c
// mode, keyed by the segment alone: a key built as `mode:segment` was a fresh 2.4 KB string to hash on every call.
const protectedCache = { strict: new Map<string, ProtectedHeader>(), lenient: new Map<string, ProtectedHeader>() };
const PROTECTED_CACHE_SIZE = 256;

function readProtected(segment: string, mode: 'strict' | 'lenient'): ProtectedHeader {
  const cache = protectedCache[mode];
  let entry = cache.get(segment);
  if (!entry) {
    const header = parseHeader(segment);
    const certificate = header.x5c === undefined ? undefined : readX5c(header.x5c, mode);
    if (header.x5c) Object.freeze(header.x5c);
    entry = { header: Object.freeze(header), certificate, headerDot: Buffer.from(`${segment}.`, 'latin1') };
    if (cache.size >= PROTECTED_CACHE_SIZE) cache.clear();
    cache.set(segment, entry);
  }
  return entry;
}

function parseHeader(segment: string): JwsHeader {
  let header: unknown;
  try {
    header = JSON.parse(decodePart(segment).toString('utf8'));
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS protected header is not JSON', { cause });
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS protected header is not a JSON object');
  }
  const h = header as JwsHeader;
  if (h.alg !== 'RS256') throw new CryptoError('CRYPTO_JWS_ALGORITHM', 'JWS alg must be RS256');
  if ('crit' in h) throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS crit header is not supported');
  if (h.x5c !== undefined && (!Array.isArray(h.x5c) || typeof h.x5c[0] !== 'string')) {
    throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS x5c must be a non-empty array of strings');
  }
  return h;
}

function readX5c(x5c: string[], mode: 'strict' | 'lenient'): X509Certificate {
  try {
    if (mode === 'strict') return new X509Certificate(base64StdDecodeStrict(x5c[0]));
    // Lenient like commons-codec: drop whitespace, accept both alphabets; CertificateFactory takes DER or PEM.
    const bytes = Buffer.from(x5c[0].replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return new X509Certificate(bytes);
  } catch (cause) {
    throw new CryptoError('CRYPTO_INVALID_CERTIFICATE', 'JWS x5c[0] is not a readable certificate', { cause });
  }
}

function decodePart(segment: string): Buffer {
  try {
    return base64UrlDecode(segment);
  } catch (cause) {
    throw new CryptoError('CRYPTO_JWS_MALFORMED', 'JWS segment is not base64url', { cause });
  }
}

function bodySegment(body: Uint8Array | string): string {
  return (typeof body === 'string' ? Buffer.from(body, 'utf8') : toBuffer(body)).toString('base64url');
}

function signSyncImpl(data: Buffer, key: KeyObject): string {
  return cryptoSign('sha256', data, key).toString('base64url');
}
