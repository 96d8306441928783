import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createApiKeyVerifier, type ApiKeyEntry, type ApiKeyVerifier } from './api-keys.js';
import { createOidcVerifier, type OidcSettings, type OidcVerifier, type OidcVerifierOptions } from './oidc.js';

/** Caller authentication settings (`MTS_API_KEYS_FILE`, `MTS_OIDC_*`); both null: authentication is off. */
export interface CallerAuthSettings {
  /** The keys file's entries; null when `MTS_API_KEYS_FILE` is not set. */
  apiKeys: readonly ApiKeyEntry[] | null;
  /** Null when `MTS_OIDC_ISSUER` is not set. */
  oidc: OidcSettings | null;
}

/** Identifies callers: `key:<name>` for an API key, `oidc:<sub>` for a bearer token. */
export interface CallerAuth {
  /** Resolves the caller, or throws an {@link ApiError} ATS-AUTH-001 / 002 / 003 with the challenge to send. */
  identify(headers: { apiKey?: string; authorization?: string }): Promise<string>;
}

/** An {@link ApiError} of caller authentication, with the `WWW-Authenticate` challenges to send along. */
export class AuthError extends ApiError {
  constructor(
    code: 'ATS-AUTH-001' | 'ATS-AUTH-002' | 'ATS-AUTH-003',
    message: string,
    readonly challenges: readonly string[],
  ) {
    super(code, message, { retryable: code === 'ATS-AUTH-003' });
  }
}

const REALM = 'realm="token-seeder"';

/**
 * Caller authentication over the configured means; null when none is configured (authentication off, as MTS).
 * @example const auth = createCallerAuth({ apiKeys: entries, oidc: null }); await auth?.identify({ apiKey }) // 'key:registry-a'
 */
export function createCallerAuth(settings: CallerAuthSettings, options: { oidc?: OidcVerifierOptions } = {}): CallerAuth | null {
  if (!settings.apiKeys && !settings.oidc) return null;
  const keys: ApiKeyVerifier | null = settings.apiKeys ? createApiKeyVerifier(settings.apiKeys) : null;
  const oidc: OidcVerifier | null = settings.oidc ? createOidcVerifier(settings.oidc, options.oidc) : null;
  const scope = settings.oidc?.scope ?? '';
  const challenges = (error?: string) => [
    ...(keys ? [`ApiKey ${REALM}, header="X-API-Key"`] : []),
    ...(oidc ? [`Bearer ${REALM}${error ? `, error="${error}"` : ''}`] : []),
  ];
  const means = [keys ? 'an API key in X-API-Key' : '', oidc ? 'an access token as Authorization: Bearer <token>' : ''].filter(Boolean).join(' or ');
  return {
    async identify({ apiKey, authorization }) {
      if (keys && apiKey !== undefined) {
        const caller = await keys(apiKey);
        if (caller === null) throw new AuthError('ATS-AUTH-001', 'The API key is not valid', challenges());
        return `key:${caller}`;
      }
      const bearer = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(authorization ?? '')?.[1];
      if (oidc && bearer !== undefined) {
        const outcome = await oidc(bearer);
        if (outcome.ok) return outcome.caller;
        if (outcome.reason === 'scope') {
          throw new AuthError('ATS-AUTH-002', `The access token lacks the required scope: ${scope}`, [`Bearer ${REALM}, error="insufficient_scope", scope="${scope}"`]);
        }
        if (outcome.reason === 'unavailable') throw new AuthError('ATS-AUTH-003', 'The identity provider could not be reached to check the access token; try again later', challenges());
        throw new AuthError('ATS-AUTH-001', outcome.reason === 'expired' ? 'The access token has expired' : 'The access token is not valid', challenges('invalid_token'));
      }
      throw new AuthError('ATS-AUTH-001', `Authentication required: send ${means}`, challenges());
    },
  };
}

/**
 * Express middleware: every request through it needs a credential; the caller is kept for the routes
 * ({@link callerOf}). A refusal carries `WWW-Authenticate`, and closes the connection when a body was coming, so an
 * unauthenticated upload is never read. The credential itself is never logged.
 */
export function requireCaller(auth: CallerAuth, logger: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.caller = await auth.identify({ apiKey: req.get('x-api-key'), authorization: req.get('authorization') });
    } catch (err) {
      if (err instanceof AuthError) {
        res.set('WWW-Authenticate', err.challenges.join(', '));
        if (hasBody(req)) res.set('Connection', 'close');
        if (err.code === 'ATS-AUTH-003') logger.warn('identity provider unreachable', { path: req.path });
      }
      throw err;
    }
    next();
  };
}

/** The authenticated caller of this request; undefined when caller authentication is off. */
export function callerOf(res: Response): string | undefined {
  const caller: unknown = res.locals.caller;
  return typeof caller === 'string' ? caller : undefined;
}

/** `{ caller }` when there is an authenticated caller, else `{}`: to spread into a submission or a filter. */
export function callerPart(res: Response): { caller?: string } {
  const caller = callerOf(res);
  return caller === undefined ? {} : { caller };
}

/** Whether the request comes with a body (chunked, or a Content-Length above 0): one refused unread closes the connection. */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
