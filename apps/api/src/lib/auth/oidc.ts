import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/** What a bearer token must satisfy (from `MTS_OIDC_*`). */
export interface OidcSettings {
  /** `iss` must equal it. */
  issuer: string;
  /** The identity provider's JSON Web Key Set, fetched when needed and cached. */
  jwksUrl: string;
  /** `aud` must be or contain it. */
  audience: string;
  /** Scopes the token must carry (space-separated: all of them), in `scope` (space-separated) or `scp` (a list). */
  scope: string;
}

/** Tuning of {@link createOidcVerifier}; the defaults suit production. */
export interface OidcVerifierOptions {
  /** Least time between two JWKS fetches (a token naming an unknown key makes one); default 30 s. */
  cooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again; default 10 min. */
  cacheMaxAgeMs?: number;
  /** Allowed clock difference for `exp` / `nbf` / `iat`; default 30 s. */
  clockToleranceSeconds?: number;
  /** Give up fetching the JWKS after; default 5 s. */
  timeoutMs?: number;
}

/** A token's verdict: a caller (`oidc:<sub>`), or why not. */
export type OidcOutcome =
  | { ok: true; caller: string }
  | { ok: false; reason: 'invalid' | 'expired' | 'scope' | 'unavailable'; detail: string };

/** Checks a bearer token. */
export type OidcVerifier = (token: string) => Promise<OidcOutcome>;

// Public-key algorithms only: a JWKS carries no shared secrets.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
// jose's codes for a token that is at fault; anything else (JWKS unreachable, timed out, not a JWKS) is ours.
const TOKEN_FAULTS = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWS_INVALID',
  'ERR_JWT_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWK_INVALID',
]);

/**
 * Verifies bearer tokens with jose against the issuer's remote JWKS (cached; a token signed with a key not yet seen
 * makes a new fetch, after the cooldown, so a rotated key is picked up): signature, `iss`, `aud`, `exp` (required),
 * `nbf`, `sub` (required, a non-empty string) and the required scopes.
 * @example const verify = createOidcVerifier(settings); await verify(token) // { ok: true, caller: 'oidc:svc-1' }
 */
export function createOidcVerifier(settings: OidcSettings, options: OidcVerifierOptions = {}): OidcVerifier {
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  const required = settings.scope.split(/\s+/).filter(Boolean);
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_JWT_EXPIRED') return { ok: false, reason: 'expired', detail: code };
      if (typeof code === 'string' && TOKEN_FAULTS.has(code)) return { ok: false, reason: 'invalid', detail: code };
      return { ok: false, reason: 'unavailable', detail: typeof code === 'string' ? code : 'JWKS_FETCH_FAILED' };
    }
    // RFC 7519 §4.1.2: `sub` is a string. Any other value would name no one (`oidc:[object Object]`), and every token
    // carrying such a value would share one caller, and so each other's requests.
    if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'invalid', detail: 'INVALID_SUB' };
    const granted = scopesOf(payload);
    if (!required.every((s) => granted.has(s))) return { ok: false, reason: 'scope', detail: 'INSUFFICIENT_SCOPE' };
    return { ok: true, caller: `oidc:${payload.sub}` };
  };
}

/** The scopes a token grants: `scope` (space-separated, RFC 8693 / 9068) or `scp` (a list, or a string). */
function scopesOf(payload: JWTPayload): Set<string> {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string') v.split(/\s+/).filter(Boolean).forEach((s) => out.add(s));
    else if (Array.isArray(v)) v.filter((s): s is string => typeof s === 'string').forEach((s) => out.add(s));
  };
  add(payload.scope);
  add(payload.scp);
  return out;
}
