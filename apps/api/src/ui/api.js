// The page's calls to the API: same paths and envelopes as any caller, the API key (when the server asks for one)
// on every call, and errors turned into { status, code, message }.

const KEY_NAME = 'mts.apiKey';
/** The page lives at `<prefix>ui/`: the API's paths are relative to `<prefix>`. */
const base = new URL('../', document.baseURI);

/** A refused call: the HTTP status and the first MTS error code and message (or FastAPI's `detail`). */
export class ApiCallError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = null;

/**
 * Called on a 401 with the refusal; resolves once the person has entered a key (the call is then repeated).
 * Without a handler a 401 is thrown like any other refusal.
 */
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME);
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_NAME, key);
}

export function clearApiKey() {
  sessionStorage.removeItem(KEY_NAME);
}

/** The MTS envelope around a `request` object. */
export function envelopeOf(request) {
  return { id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(), request };
}

/** A call whose 200 answer is an MTS envelope: resolves with its `response`, throws ApiCallError otherwise. */
export async function callJson(path, init = {}) {
  const res = await call(path, init);
  const body = await res.json().catch(() => null);
  const first = body && Array.isArray(body.errors) ? body.errors[0] : null;
  if (!res.ok || first) throw refusal(res.status, body);
  return body ? body.response : null;
}

/** A call whose 200 answer is a file (output, CSV report): resolves with the Response, throws ApiCallError otherwise. */
export async function callFile(path, init = {}) {
  const res = await call(path, init);
  // 202 ATS-REQ-017 ("not processed yet") is an envelope, not the file.
  if (res.status !== 200) throw refusal(res.status, await res.json().catch(() => null));
  return res;
}

async function call(path, init) {
  for (;;) {
    const headers = new Headers(init.headers);
    const key = apiKey();
    if (key) headers.set('X-API-Key', key);
    const res = await fetch(new URL(path, base), { ...init, headers, cache: 'no-store', credentials: 'same-origin' });
    if (res.status !== 401 || !onUnauthorized) return res;
    await onUnauthorized(refusal(401, await res.json().catch(() => null)), Boolean(key));
  }
}

function refusal(status, body) {
  const first = body && Array.isArray(body.errors) ? body.errors[0] : null;
  if (first) return new ApiCallError(status, first.errorCode, first.errorMessage || first.message || first.errorCode);
  const detail = body && typeof body.detail === 'string' ? body.detail : `HTTP ${status}`;
  return new ApiCallError(status, `HTTP_${status}`, detail);
}

/** A refusal or a network failure in words for the person. */
export function describeError(err) {
  if (err instanceof ApiCallError) {
    if (err.status === 403) return `This key may not do that (${err.code}).`;
    return `${err.code}: ${err.message}`;
  }
  return `The server could not be reached (${err.message}).`;
}
