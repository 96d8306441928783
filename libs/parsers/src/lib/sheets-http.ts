import { SheetsError, type SheetsErrorCode } from './errors.js';
import { fetchText } from './http-call.js';

/** One call to Google; `what` names it in error messages (never the URL, which may hold the API key). */
export interface SheetsCall {
  fetch: typeof fetch;
  url: string;
  what: 'token request' | 'spreadsheet request' | 'values request';
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Makes one call and returns its JSON body, or throws a `SheetsError` classified for retrying. */
export async function callSheets(call: SheetsCall): Promise<unknown> {
  // No redirects: the bearer token or the key would follow them.
  const { res, text } = await fetchText(call, (failure, err) => {
    if (failure === 'timeout') return new SheetsError('SHEETS_TIMEOUT', `Google did not answer the ${call.what} within ${call.timeoutMs} ms`, { retryable: true });
    if (failure === 'cancelled') return new SheetsError('SHEETS_NETWORK', `the ${call.what} was cancelled`);
    if (failure === 'outbound-denied') return new SheetsError('SHEETS_OUTBOUND_DENIED', `the Sheets address is not allowed by the outbound policy (${call.what})`);
    // The cause is kept for its code only: undici's errors carry no URL, but ours would (the key is in the query).
    return new SheetsError('SHEETS_NETWORK', `could not reach Google for the ${call.what}`, { retryable: true, cause: { code: causeCode(err) } });
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status >= 300 && res.status < 400) {
    throw new SheetsError('SHEETS_REQUEST_REJECTED', `Google redirected the ${call.what} (${res.status}); set the https:// address it ends at`, { status: res.status });
  }
  if (!res.ok) throw httpError(res.status, body, call.what);
  if (body === undefined) throw new SheetsError('SHEETS_BAD_RESPONSE', `Google's answer to the ${call.what} is not JSON`, { status: res.status });
  return body;
}

function causeCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : 'FETCH_FAILED';
  return code;
}

/** Google's `{ error: { code, message, status, details } }`, or OAuth's `{ error, error_description }`. */
function httpError(status: number, body: unknown, what: SheetsCall['what']): SheetsError {
  const b = (body ?? {}) as { error?: unknown; error_description?: unknown };
  const api = b.error !== null && typeof b.error === 'object' ? (b.error as { status?: unknown; message?: unknown; details?: unknown }) : undefined;
  const googleStatus = api ? (typeof api.status === 'string' ? api.status : undefined) : typeof b.error === 'string' ? b.error : undefined;
  // Google's messages describe the request (range, key validity), never sheet data; cut them short anyway.
  const text = api && typeof api.message === 'string' ? api.message : typeof b.error_description === 'string' ? b.error_description : '';
  const message = `Google answered ${status}${googleStatus ? ` ${googleStatus}` : ''} to the ${what}${text ? `: ${text.slice(0, 200)}` : ''}`;
  const opts = { status, ...(googleStatus ? { googleStatus } : {}) };
  const reasons = Array.isArray(api?.details) ? (api.details as { reason?: unknown }[]).map((d) => d?.reason) : [];
  let code: SheetsErrorCode;
  if (status === 429) return new SheetsError('SHEETS_RATE_LIMITED', message, { ...opts, retryable: true });
  if (status >= 500) return new SheetsError('SHEETS_SERVER_ERROR', message, { ...opts, retryable: true });
  if (what === 'token request') code = status === 400 || status === 401 || status === 403 ? 'SHEETS_AUTH_FAILED' : 'SHEETS_REQUEST_REJECTED';
  else if (status === 401 || reasons.includes('API_KEY_INVALID')) code = 'SHEETS_AUTH_FAILED';
  else if (status === 403) code = 'SHEETS_PERMISSION_DENIED';
  else if (status === 404) code = 'SHEETS_NOT_FOUND';
  else if (status === 400) code = 'SHEETS_BAD_RANGE';
  else code = 'SHEETS_REQUEST_REJECTED';
  return new SheetsError(code, message, opts);
}
