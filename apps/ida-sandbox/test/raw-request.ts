import { randomBytes, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  aesGcmEncrypt, base64UrlEncode, certificateThumbprint, createJwsSigner, loadCertificate, loadPkcs12, rsaOaepWrap,
  sha256UpperHex,
} from '@mts/crypto';
import type { RunningSandbox } from '../src/index.js';

/** Pieces of a hand-built request that a test may override to forge one. */
export interface RawRequestOptions {
  individualId: string;
  individualIdType?: string;
  demographics?: Record<string, unknown>;
  requestTime?: string;
  timestamp?: string;
  thumbprint?: string;
  /** Replaces the HMAC plaintext (the upper-hex SHA-256 of the inner JSON). */
  hmacText?: string;
  /** Merged into the outer JSON after encryption. */
  outer?: Record<string, unknown>;
  /** Overrides the path after /auth (default: licence key, partner id, API key of the sandbox). */
  authPart?: string[];
  /** Signs with this key and certificate instead of the partner's; `certificate: null` leaves x5c out. */
  signWith?: { privateKey: KeyObject; certificate: X509Certificate | null };
  /** Replaces the whole body (the signature is still computed over it). */
  rawBody?: string;
  /** Replaces the signature header; null leaves it out. */
  signature?: string | null;
  /** Computes the signature header itself (e.g. another x5c form). */
  signer?: (body: string) => string;
  /** Changes the body after it was signed. */
  tamper?: (body: string) => string;
  /** Replaces the Content-Type header (default application/json); null leaves it out. */
  contentType?: string | null;
  /** Sends requestSessionKey as thumbprint(32) ‖ RSA-OAEP(key), a layout IDA also accepts. */
  prefixThumbprint?: boolean;
}

// Reading a .p12 is slow (pure-JS PBE): once per file.
const partnerKeys = new Map<string, ReturnType<typeof loadPkcs12>>();
function partnerKeyOf(path: string, password: string) {
  let k = partnerKeys.get(path);
  if (!k) partnerKeys.set(path, (k = loadPkcs12(readFileSync(path), password)));
  return k;
}

/** Builds, encrypts and signs a demo-auth request with @mts/crypto directly, then POSTs it; returns the answer. */
export async function sendRaw(sandbox: RunningSandbox, o: RawRequestOptions) {
  const p = sandbox.partner;
  const idaCert = loadCertificate(readFileSync(p.idaPartnerCertPath));
  const now = new Date().toISOString();
  const inner = JSON.stringify({ timestamp: o.timestamp ?? now, demographics: o.demographics ?? {}, biometrics: [] });
  const key = randomBytes(32);
  const outer = {
    id: 'mosip.identity.auth',
    version: '1.0',
    individualId: o.individualId,
    ...(o.individualIdType ? { individualIdType: o.individualIdType } : {}),
    transactionID: 'ABCDE12345',
    requestTime: o.requestTime ?? now,
    specVersion: '1.0',
    thumbprint: o.thumbprint ?? base64UrlEncode(certificateThumbprint(idaCert)),
    consentObtained: true,
    requestSessionKey: base64UrlEncode(
      o.prefixThumbprint
        ? Buffer.concat([certificateThumbprint(idaCert), rsaOaepWrap(idaCert, key)])
        : rsaOaepWrap(idaCert, key),
    ),
    requestHMAC: base64UrlEncode(aesGcmEncrypt(key, o.hmacText ?? sha256UpperHex(inner))),
    request: base64UrlEncode(aesGcmEncrypt(key, inner)),
    metadata: {},
    ...o.outer,
  };
  const body = o.rawBody ?? JSON.stringify(outer);
  const partnerKey = partnerKeyOf(p.p12Path, p.p12Password);
  const signer = createJwsSigner(
    o.signWith
      ? { privateKey: o.signWith.privateKey, ...(o.signWith.certificate ? { certificate: o.signWith.certificate } : {}) }
      : partnerKey,
  );
  const signature = o.signature !== undefined ? o.signature : o.signer ? o.signer(body) : await signer.sign(body);
  const authPart = o.authPart ?? [p.mispLicenseKey, p.partnerId, p.apiKey];
  const headers: Record<string, string> = { Authorization: 'Authorization' };
  if (o.contentType !== null) headers['Content-Type'] = o.contentType ?? 'application/json';
  if (signature !== null) headers['signature'] = signature;
  const sent = o.tamper ? o.tamper(body) : body;
  // fetch labels a string body text/plain; bytes go without a Content-Type.
  const res = await fetch([sandbox.url, ...authPart.map(encodeURIComponent)].join('/'), { method: 'POST', headers, body: Buffer.from(sent) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text), responseSignature: res.headers.get('response-signature') };
}

/** The error codes of an IDA answer, in order. */
export const codesOf = (answer: { json: { errors: { errorCode: string }[] | null } }): string[] =>
  (answer.json.errors ?? []).map((e) => e.errorCode);
