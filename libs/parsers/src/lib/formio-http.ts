import { FormioError } from './errors.js';
import { fetchText } from './http-call.js';

/** What one call to Form.io needs; `what` names the call in error messages (never the URL or headers). */
export interface FormioCall {
  fetch: typeof fetch;
  url: string;
  what: 'login' | 'submissions request';
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** An answer the caller handles itself (2xx, and the statuses it asked to see). */
export interface FormioAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Makes one call. Returns the answer when it is 2xx or one of `pass`; throws a `FormioError` for anything else:
 * 400 "Bad Token" and 401 `FORMIO_AUTH_FAILED`, 404 `FORMIO_FORM_NOT_FOUND`, 429/5xx and transport failures
 * retryable.
 */
export async function callFormio(call: FormioCall, pass: readonly number[] = []): Promise<FormioAnswer> {
  // No redirects: one would carry the password or the token to wherever it points.
  const { res, text } = await fetchText(call, (failure, err) => {
    if (failure === 'timeout') return new FormioError('FORMIO_TIMEOUT', `Form.io did not answer the ${call.what} within ${call.timeoutMs} ms`, { retryable: true });
    if (failure === 'cancelled') return new FormioError('FORMIO_NETWORK', `the ${call.what} was cancelled`, { cause: call.signal?.reason });
    if (failure === 'outbound-denied') return new FormioError('FORMIO_OUTBOUND_DENIED', `the Form.io address is not allowed by the outbound policy (${call.what})`, { cause: err });
    // Undici's TypeError carries no request headers, so it is safe to keep as the cause.
    return new FormioError('FORMIO_NETWORK', `could not reach Form.io for the ${call.what}`, { retryable: true, cause: err });
  });
  if ((res.status >= 200 && res.status < 300) || pass.includes(res.status)) return { status: res.status, headers: res.headers, text };
  throw httpError(res.status, text, call.what);
}

function httpError(status: number, text: string, what: FormioCall['what']): FormioError {
  // Form.io's error answers are short fixed texts ("Bad Token", "Form not found."); an HTML page is not quoted.
  const plain = text.length <= 120 && !/[<>{}]/.test(text) ? text.replace(/[^\x20-\x7e]/g, ' ').trim() : '';
  const message = `Form.io answered ${status} to the ${what}${plain ? `: ${plain}` : ''}`;
  const opts = { status };
  if (status >= 300 && status < 400) {
    return new FormioError('FORMIO_REQUEST_REJECTED', `Form.io redirected the ${what} (${status}); set baseurl to the final https:// project URL`, opts);
  }
  if (status === 401 || (status === 400 && /bad token/i.test(text)) || status === 440) return new FormioError('FORMIO_AUTH_FAILED', message, opts);
  if (status === 403) return new FormioError('FORMIO_FORBIDDEN', message, opts);
  if (status === 404) return new FormioError('FORMIO_FORM_NOT_FOUND', message, opts);
  if (status === 429) return new FormioError('FORMIO_RATE_LIMITED', message, { ...opts, retryable: true });
  if (status >= 500) return new FormioError('FORMIO_SERVER_ERROR', message, { ...opts, retryable: true });
  return new FormioError('FORMIO_REQUEST_REJECTED', message, opts);
}
