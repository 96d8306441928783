import { createPublicKey, createVerify, randomBytes, type KeyObject } from 'node:crypto';
import type { StandinServiceAccount } from './types.js';

/** The JWT-bearer grant type of the service-account flow. */
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const READ_SCOPES = new Set(['https://www.googleapis.com/auth/spreadsheets.readonly', 'https://www.googleapis.com/auth/spreadsheets']);

/** An OAuth error answer of the token endpoint (400 `{ error, error_description }`). */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

interface Issued {
  clientEmail: string;
  expiresAt: number;
}

const b64json = (part: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Google's OAuth token endpoint for service accounts: checks the signed JWT, issues and checks access tokens. */
export class TokenAuthority {
  private readonly accounts = new Map<string, KeyObject>();
  private readonly issued = new Map<string, Issued>();
  count = 0;

  constructor(
    accounts: StandinServiceAccount[],
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
  ) {
    for (const a of accounts) this.accounts.set(a.clientEmail, createPublicKey(a.publicKey));
  }

  /** POST /token with `grant_type` and `assertion` (form fields): `{ access_token, expires_in, token_type }`. */
  grant(form: URLSearchParams, audience: string): { access_token: string; expires_in: number; token_type: 'Bearer' } {
    const grantType = form.get('grant_type');
    if (grantType !== JWT_BEARER) throw new OAuthError('unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`.trim());
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) throw new OAuthError('invalid_request', 'Invalid JWT: the assertion is not a compact JWT.');
    const header = b64json(parts[0]!);
    const claims = b64json(parts[1]!);
    if (!header || !claims) throw new OAuthError('invalid_grant', 'Invalid JWT: the header or the claim set is not JSON.');
    if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'Invalid JWT: the signing algorithm must be RS256.');
    const key = typeof claims.iss === 'string' ? this.accounts.get(claims.iss) : undefined;
    if (!key) throw new OAuthError('invalid_grant', 'Invalid grant: account not found');
    const verify = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`);
    if (!verify.verify(key, Buffer.from(parts[2]!, 'base64url'))) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== audience) throw new OAuthError('invalid_grant', 'Invalid JWT: the audience (aud) must be the token URL.');
    const nowS = Math.floor(this.now().getTime() / 1000);
    const { iat, exp } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number' || iat > nowS + 60 || exp <= nowS || exp - iat > 3600 || exp <= iat) {
      throw new OAuthError('invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.some((s) => READ_SCOPES.has(s))) throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const token = `ya29.standin-${randomBytes(24).toString('base64url')}`;
    this.issued.set(token, { clientEmail: claims.iss as string, expiresAt: this.now().getTime() + this.ttlSeconds * 1000 });
    this.count++;
    return { access_token: token, expires_in: this.ttlSeconds, token_type: 'Bearer' };
  }

  /** The service account a live access token belongs to, or undefined (unknown or expired). */
  holder(token: string): string | undefined {
    const t = this.issued.get(token);
    return t && t.expiresAt > this.now().getTime() ? t.clientEmail : undefined;
  }

  expireAll(): void {
    for (const t of this.issued.values()) t.expiresAt = 0;
  }
}
