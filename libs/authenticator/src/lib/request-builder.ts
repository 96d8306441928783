import { X509Certificate } from 'node:crypto';
import { aesGcmEncrypt, base64UrlEncode, rsaOaepWrap, sha256UpperHex } from '@mts/crypto';
import type { AuthRequest, Demographics } from './types.js';

const TXN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random bytes one request needs: session key 32, two GCM nonces 16 + 16, transaction id 10. */
export const RANDOM_BYTES_PER_REQUEST = 74;

/** What the builder needs besides the request: fixed per authenticator, except the clock and randomness. */
export interface BuildContext {
  idaCert: X509Certificate;
  /** base64url SHA-256 of the IDA certificate DER, computed once. */
  thumbprint: string;
  domainUri?: string;
  env?: string;
  sendRequestedAuth?: boolean;
  random: (size: number) => Buffer;
  now: () => Date;
}

/** A serialised request: `body` is exactly the bytes to sign and send. */
export interface BuiltRequest {
  body: Buffer;
  transactionId: string;
  requestTime: string;
}

/**
 * Builds IDA's outer request with the encrypted inner request, per the protocol spec §2–§4. Pure but for
 * `ctx.random` and `ctx.now`, so fixed inputs give fixed bytes (test vectors).
 *
 * @example
 * const { body } = buildAuthRequest({ individualId, demographics }, ctx); // then sign `body`, POST it
 */
export function buildAuthRequest(req: AuthRequest, ctx: BuildContext, transactionId?: string): BuiltRequest {
  const rnd = ctx.random(RANDOM_BYTES_PER_REQUEST);
  const sessionKey = rnd.subarray(0, 32);
  const txn = transactionId ?? toTransactionId(rnd.subarray(64, 74));
  // toISOString always has exactly 3 fraction digits and 'Z', which IDA's strict parser wants.
  const requestTime = ctx.now().toISOString();
  const inner = JSON.stringify({ timestamp: requestTime, demographics: dropUnset(req.demographics), biometrics: [] });
  const outer: Record<string, unknown> = {
    id: 'mosip.identity.auth',
    version: '1.0',
    individualId: req.individualId,
  };
  if (req.individualIdType) outer.individualIdType = req.individualIdType;
  outer.transactionID = txn;
  outer.requestTime = requestTime;
  outer.specVersion = '1.0';
  outer.thumbprint = ctx.thumbprint;
  if (ctx.domainUri) outer.domainUri = ctx.domainUri;
  if (ctx.env) outer.env = ctx.env;
  outer.consentObtained = true;
  if (ctx.sendRequestedAuth) outer.requestedAuth = { demo: true, bio: false, otp: false, pin: false };
  outer.requestSessionKey = base64UrlEncode(rsaOaepWrap(ctx.idaCert, sessionKey));
  outer.requestHMAC = base64UrlEncode(aesGcmEncrypt(sessionKey, sha256UpperHex(inner), rnd.subarray(48, 64)));
  outer.request = base64UrlEncode(aesGcmEncrypt(sessionKey, inner, rnd.subarray(32, 48)));
  return { body: Buffer.from(JSON.stringify(outer), 'utf8'), transactionId: txn, requestTime };
}

/** 10 characters of [A-Za-z0-9] (IDA's transactionID rule); the slight modulo bias does not matter here. */
export function toTransactionId(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 10; i++) out += TXN_ALPHABET[bytes[i] % TXN_ALPHABET.length];
  return out;
}

function dropUnset(demographics: Demographics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(demographics)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}
