import { createHash, createSign } from 'node:crypto';
import type { SheetsServiceAccountAuth } from '@mts/envelope';
import { SheetsError } from './errors.js';
import { callSheets, type SheetsCall } from './sheets-http.js';

/** The OAuth scope the seeder asks for: read-only. */
export const SHEETS_READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
/** Google's token endpoint, the default `tokenUri`. */
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

/** Access tokens by service account and token endpoint, kept until shortly before they expire. */
export interface SheetsTokenCache {
  get(key: string): { token: string; expiresAt: number } | undefined;
  set(key: string, value: { token: string; expiresAt: number }): void;
  delete(key: string): void;
}

/** An in-memory token cache (the default is one per process). */
export function createSheetsTokenCache(): SheetsTokenCache {
  const map = new Map<string, { token: string; expiresAt: number }>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * The signed RS256 JWT of Google's service-account flow: `iss` = the account, `scope`, `aud` = the token URL,
 * `iat` now and `exp` one hour later.
 */
export function signServiceAccountJwt(auth: Pick<SheetsServiceAccountAuth, 'clientEmail' | 'privateKey'>, audience: string, nowMs: number, scope = SHEETS_READONLY_SCOPE): string {
  const iat = Math.floor(nowMs / 1000);
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: auth.clientEmail, scope, aud: audience, iat, exp: iat + 3600 })}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(input).sign(auth.privateKey, 'base64url');
  } catch {
    throw new SheetsError('SHEETS_CONFIG_INVALID', 'sheetsconfig.auth.privateKey cannot sign (not a PEM RSA private key)', { mtsCode: 'ATS-REQ-046' });
  }
  return `${input}.${signature}`;
}

/** What a token request needs besides the account. */
export interface TokenContext extends Pick<SheetsCall, 'fetch' | 'timeoutMs' | 'signal'> {
  cache: SheetsTokenCache;
  now: () => number;
  /** Renew this long before `expires_in` runs out; default 60 s. */
  skewMs?: number;
}

/**
 * The cache key of an account's key at a token endpoint. The key's hash is part of it: a request naming an account
 * must prove it holds the key, never reuse a token another request's key obtained. No secret is in it.
 */
export const tokenCacheKey = (auth: SheetsServiceAccountAuth) =>
  `${auth.tokenUri || GOOGLE_TOKEN_URI} ${auth.clientEmail} ${createHash('sha256').update(auth.privateKey).digest('base64url')}`;

/** A bearer token for the service account: the cached one while it lives, else a new one from `tokenUri`. */
export async function serviceAccountToken(auth: SheetsServiceAccountAuth, ctx: TokenContext): Promise<string> {
  const key = tokenCacheKey(auth);
  const cached = ctx.cache.get(key);
  if (cached && cached.expiresAt - (ctx.skewMs ?? 60_000) > ctx.now()) return cached.token;
  const tokenUri = auth.tokenUri || GOOGLE_TOKEN_URI;
  const assertion = signServiceAccountJwt(auth, tokenUri, ctx.now());
  const body = await callSheets({
    ...ctx,
    url: tokenUri,
    what: 'token request',
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
    },
  });
  const { access_token: token, expires_in: expiresIn } = (body ?? {}) as { access_token?: unknown; expires_in?: unknown };
  if (typeof token !== 'string' || token === '') throw new SheetsError('SHEETS_BAD_RESPONSE', 'the token answer holds no access_token');
  const seconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 3600;
  ctx.cache.set(key, { token, expiresAt: ctx.now() + seconds * 1000 });
  return token;
}
