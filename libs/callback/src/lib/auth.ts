import { createHash } from 'node:crypto';
import { startAttemptTimer } from './attempt-timer.js';
import { CallbackError, retryableStatus } from './errors.js';
import type { CallbackProperties, TokenCache } from './types.js';

/** Headers for one callback call, and how to refresh them after a 401/403. */
export interface Authorizer {
  headers(): Promise<Record<string, string>>;
  /** Forget the cached credential so the next headers() logs in again. */
  invalidate(): void;
  /** Ends a session (Odoo logout), best effort. */
  close(): Promise<void>;
}

interface AuthContext {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  skewMs: number;
  cache: TokenCache;
  /** The delivery's abort signal: a login or logout stops with it, not only at its own timeout. */
  signal?: AbortSignal;
}

/** A process-wide in-memory OAuth token cache. */
export function createTokenCache(): TokenCache {
  const map = new Map<string, { token: string; expiresAt: number }>();
  return { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k) };
}

/** Picks the authorizer for `authType`; the envelope was validated at submission, this re-checks what it relies on. */
export function createAuthorizer(props: CallbackProperties, ctx: AuthContext): Authorizer {
  switch (props.authType ?? 'none') {
    case 'none':
      return { headers: async () => ({}), invalidate() {}, close: async () => {} };
    case 'staticBearer': {
      const token = props.authStaticBearer?.token;
      if (!token) throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'authStaticBearer.token is empty');
      return { headers: async () => ({ authorization: `Bearer ${token}` }), invalidate() {}, close: async () => {} };
    }
    case 'oauth':
      return oauthAuthorizer(props, ctx);
    case 'odoo':
      return odooAuthorizer(props, ctx);
    default:
      throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'unknown authType');
  }
}

function withExtra(base: Record<string, string>, extra: Record<string, string> | undefined): Headers {
  const headers = new Headers(base);
  for (const [name, value] of Object.entries(extra ?? {})) headers.set(name, String(value));
  return headers;
}

/** One login/logout call; `read` takes the answer within the same timeout, so a stalled body times out too. */
async function call<T>(ctx: AuthContext, url: string, init: RequestInit, step: string, read: (res: Response) => Promise<T>): Promise<T> {
  const timer = startAttemptTimer(ctx.timeoutMs, ctx.signal);
  try {
    return await read(await ctx.fetch(url, { ...init, redirect: 'manual', signal: timer.signal }));
  } catch (err) {
    if (err instanceof CallbackError) throw err;
    if (ctx.signal?.aborted) throw new CallbackError('CALLBACK_ABORTED', `${step}: delivery aborted`, { cause: err });
    const timeout = (err as Error).name === 'TimeoutError';
    throw new CallbackError(timeout ? 'CALLBACK_TIMEOUT' : 'CALLBACK_TRANSPORT', `${step}: ${timeout ? 'timed out' : 'request failed'}`, { retryable: true, cause: err });
  } finally {
    timer.dispose();
  }
}

/** The answer's JSON, or null when it is not JSON (a timeout or abort while reading still rejects). */
async function jsonOrNull(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// RFC 6749 §4.3 (password) and §4.4 (client credentials); the token is cached by its `expires_in`, less a skew.
function oauthAuthorizer(props: CallbackProperties, ctx: AuthContext): Authorizer {
  const o = props.authOauth;
  if (!o?.authUrl) throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'authOauth.authUrl is empty');
  const authUrl = o.authUrl;
  if (!o.username && !o.clientId) throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'authOauth needs username or clientId');
  // Keyed by every credential (hashed, so no secret sits in a map key): properties sharing an authUrl and clientId
  // but not the secret must log in themselves, never receive another request's token.
  const key = createHash('sha256')
    .update(JSON.stringify([o.authUrl, o.clientId ?? '', o.clientSecret ?? '', o.username ?? '', o.password ?? '', o.extraHeaders ?? {}]))
    .digest('base64url');
  const form = new URLSearchParams();
  if (o.username) {
    form.set('grant_type', 'password');
    form.set('username', o.username);
    if (o.password) form.set('password', o.password);
  } else form.set('grant_type', 'client_credentials');
  if (o.clientId) form.set('client_id', o.clientId);
  if (o.clientSecret) form.set('client_secret', o.clientSecret);

  async function fetchToken(): Promise<string> {
    const { res, body } = await call(ctx, authUrl, {
      method: 'POST',
      headers: withExtra({ 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, o!.extraHeaders),
      body: form.toString(),
    }, 'oauth token', async (res) => ({ res, body: (await jsonOrNull(res)) as { access_token?: unknown; expires_in?: unknown; error?: unknown } | null }));
    if (!res.ok || typeof body?.access_token !== 'string') {
      // `error` is an RFC 6749 code (invalid_grant, …): safe to report; error_description may echo input, so not.
      const reason = typeof body?.error === 'string' ? body.error.slice(0, 64) : `HTTP ${res.status}`;
      throw new CallbackError('CALLBACK_AUTH_FAILED', `oauth token refused: ${reason}`, { retryable: retryableStatus(res.status), status: res.status });
    }
    const seconds = Number(body.expires_in);
    const expiresAt = Number.isFinite(seconds) && seconds > 0 ? ctx.now() + Math.max(0, seconds * 1000 - ctx.skewMs) : Number.POSITIVE_INFINITY;
    ctx.cache.set(key, { token: body.access_token, expiresAt });
    return body.access_token;
  }

  return {
    async headers() {
      const cached = ctx.cache.get(key);
      const token = cached && cached.expiresAt > ctx.now() ? cached.token : await fetchToken();
      return { authorization: `Bearer ${token}` };
    },
    invalidate: () => ctx.cache.delete(key),
    close: async () => {},
  };
}

// Odoo's JSON-RPC login: bad credentials still answer HTTP 200 with an `error` body, so result.uid is what counts.
function odooAuthorizer(props: CallbackProperties, ctx: AuthContext): Authorizer {
  const o = props.authOdoo;
  if (!o?.authUrl || !o.database || !o.username) {
    throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'authOdoo needs authUrl, database and username');
  }
  let session: string | null = null;
  let rpcId = 0;

  async function login(): Promise<string> {
    const { res, body } = await call(ctx, o!.authUrl, {
      method: 'POST',
      headers: withExtra({ 'content-type': 'application/json', accept: 'application/json' }, o!.extraHeaders),
      body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++rpcId, params: { db: o!.database, login: o!.username, password: o!.password } }),
    }, 'odoo login', async (res) => ({ res, body: (await jsonOrNull(res)) as { result?: { uid?: unknown }; error?: { code?: unknown; data?: { name?: unknown } } } | null }));
    if (!res.ok || body?.error || !body?.result?.uid) {
      const name = typeof body?.error?.data?.name === 'string' ? body.error.data.name.slice(0, 80) : null;
      const reason = name ?? (body?.error ? `error code ${String(body.error.code)}` : `HTTP ${res.status}${res.ok ? ' without uid' : ''}`);
      throw new CallbackError('CALLBACK_AUTH_FAILED', `odoo login refused: ${reason}`, { retryable: retryableStatus(res.status), status: res.status });
    }
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('session_id='));
    if (!cookie) throw new CallbackError('CALLBACK_AUTH_FAILED', 'odoo login returned no session_id cookie', { status: res.status });
    return cookie;
  }

  return {
    async headers() {
      session ??= await login();
      return { cookie: session };
    },
    invalidate: () => {
      session = null;
    },
    async close() {
      if (!session) return;
      const logout = new URL('logout', o.authUrl.replace(/\/+$/, '').replace(/[^/]*$/, '')).toString();
      await call(ctx, logout, { method: 'GET', headers: { cookie: session } }, 'odoo logout', async (r) => r.body?.cancel()).catch(() => {});
      session = null;
    },
  };
}
