import { OdkError } from './errors.js';
import { fetchText } from './http-call.js';
import { parseJsonExact } from './json-exact.js';

/** What one call to Central needs; `what` names the call in error messages (never the URL or headers). */
export interface OdkCall {
  fetch: typeof fetch;
  url: string;
  what: 'login' | 'submissions request' | 'logout';
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** Makes one call and returns its JSON body, or throws an `OdkError` for every other outcome. */
export async function callOdk(call: OdkCall): Promise<unknown> {
  // No redirects: a 307 would re-send the password, and any redirect the token, to wherever it points.
  const { res, text } = await fetchText(call, (failure, err) => {
    if (failure === 'timeout') return new OdkError('ODK_TIMEOUT', `ODK Central did not answer the ${call.what} within ${call.timeoutMs} ms`, { retryable: true });
    if (failure === 'cancelled') return new OdkError('ODK_NETWORK', `the ${call.what} was cancelled`, { cause: call.signal?.reason });
    if (failure === 'outbound-denied') return new OdkError('ODK_OUTBOUND_DENIED', `the ODK address is not allowed by the outbound policy (${call.what})`, { cause: err });
    // Undici's TypeError carries no request headers, so it is safe to keep as the cause.
    return new OdkError('ODK_NETWORK', `could not reach ODK Central for the ${call.what}`, { retryable: true, cause: err });
  });
  if (res.status >= 300 && res.status < 400) {
    throw new OdkError('ODK_REQUEST_REJECTED', `ODK Central redirected the ${call.what} (${res.status}); set baseurl to the final https:// address`, { status: res.status });
  }
  const body = parseJson(text);
  if (!res.ok) throw httpError(res.status, body, call.what);
  if (body === undefined) throw new OdkError('ODK_BAD_RESPONSE', `ODK Central's answer to the ${call.what} is not JSON`, { status: res.status });
  return body;
}

function parseJson(text: string): unknown {
  try {
    return parseJsonExact(text);
  } catch {
    return undefined;
  }
}

/** Maps an HTTP failure, with Central's `{ code, message }` problem body when there is one. */
function httpError(status: number, body: unknown, what: OdkCall['what']): OdkError {
  const problem = body !== null && typeof body === 'object' ? (body as { code?: unknown; message?: unknown }) : {};
  const odkCode = typeof problem.code === 'number' ? problem.code : undefined;
  // Central's problem messages are fixed texts about the request, not the data; cut them short anyway.
  const detail = typeof problem.message === 'string' ? `: ${problem.message.slice(0, 200)}` : '';
  const message = `ODK Central answered ${status}${odkCode === undefined ? '' : ` (${odkCode})`} to the ${what}${detail}`;
  const opts = { status, ...(odkCode === undefined ? {} : { odkCode }) };
  if (status === 401) return new OdkError('ODK_AUTH_FAILED', message, opts);
  if (status === 403) return new OdkError('ODK_FORBIDDEN', message, opts);
  if (status === 404) return new OdkError('ODK_NOT_FOUND', message, opts);
  if (status === 501) return new OdkError('ODK_NOT_IMPLEMENTED', message, opts);
  if (status === 429) return new OdkError('ODK_RATE_LIMITED', message, { ...opts, retryable: true });
  if (status >= 500) return new OdkError('ODK_SERVER_ERROR', message, { ...opts, retryable: true });
  return new OdkError('ODK_REQUEST_REJECTED', message, opts);
}
