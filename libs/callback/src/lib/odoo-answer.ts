import { CallbackError } from './errors.js';

/** Why an Odoo endpoint's answer is not a delivery; `sessionExpired` asks for a new login. No `error`: its HTTP status says it. */
export interface OdooRefusal {
  sessionExpired: boolean;
  error?: CallbackError;
}

/** JSON-RPC error code of Odoo's "Odoo Session Expired" (odoo.http.SessionExpiredException). */
const SESSION_EXPIRED_CODE = 100;
const SESSION_EXPIRED_NAME = 'odoo.http.SessionExpiredException';
// A JSON-RPC error is small (a traceback at most); a larger JSON answer is a result, not read past this.
const READ_LIMIT = 256 * 1024;

/**
 * Reads what an Odoo endpoint answered beyond its status (integrations §3). Odoo never answers 401/403 for a
 * session: a `type='json'` route answers its errors with HTTP 200 and a JSON-RPC `error` body (code 100 "Odoo
 * Session Expired", code 200 "Odoo Server Error" for AccessDenied, a ValidationError, any exception), and an
 * `auth='user'` `type='http'` route sends a caller without a session to `/web/login` with a 303. Consumes the body;
 * answers null when the answer is what its status says.
 */
export async function readOdooAnswer(res: Response): Promise<OdooRefusal | null> {
  if (res.status >= 300 && res.status < 400) {
    await res.body?.cancel().catch(() => {});
    const location = res.headers.get('location') ?? '';
    const toLogin = URL.canParse(location, 'http://odoo') && new URL(location, 'http://odoo').pathname.replace(/\/+$/, '') === '/web/login';
    return toLogin ? { sessionExpired: true } : null;
  }
  const json = /[/+]json\b/i.test(res.headers.get('content-type') ?? '');
  if (res.status < 200 || res.status >= 300 || !json) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const text = await readUpTo(res, READ_LIMIT);
  const body = text === null ? null : parse(text);
  const error = body && typeof body === 'object' && 'jsonrpc' in body ? (body as { error?: unknown }).error : undefined;
  if (!error || typeof error !== 'object') return null;
  const { code, data } = error as { code?: unknown; data?: { name?: unknown } };
  const name = typeof data?.name === 'string' && /^[\w.]{1,80}$/.test(data.name) ? data.name : null;
  // The exception's name and code only: its message and debug text may echo the record.
  const what = name ?? `code ${Number.isInteger(code) ? String(code) : 'unknown'}`;
  if (code === SESSION_EXPIRED_CODE || name === SESSION_EXPIRED_NAME) {
    return { sessionExpired: true, error: new CallbackError('CALLBACK_AUTH_FAILED', `callback refused the odoo session: ${what}`, { status: res.status }) };
  }
  return { sessionExpired: false, error: new CallbackError('CALLBACK_RPC_ERROR', `callback answered a JSON-RPC error: ${what}`, { status: res.status }) };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The body as text, or null when it is longer than `limit` bytes. Timeouts and aborts reject. */
async function readUpTo(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return Buffer.concat(chunks).toString('utf8');
      size += value.byteLength;
      if (size > limit) return null;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
