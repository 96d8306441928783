import { httpStatusForCode } from './mts-codes.js';
import type { EnvelopeIssue, OdkCodeStyle } from './parts.js';

/**
 * The ODK error code `n` (18..23) in the chosen spelling.
 *
 * @example
 * ```ts
 * odkErrorCode(23, 'mts');    // 'ATS-REQ-23'  (no submissions)
 * odkErrorCode(23, 'padded'); // 'ATS-REQ-023'
 * ```
 */
export function odkErrorCode(n: number, style: OdkCodeStyle = 'mts'): string {
  return `ATS-REQ-${style === 'padded' ? String(n).padStart(3, '0') : String(n)}`;
}

/** An issue with the status of `errorCode` from the one table. */
export function issue(errorCode: string, errorMessage: string): EnvelopeIssue {
  return { errorCode, errorMessage, httpStatus: httpStatusForCode(errorCode) };
}

/** Python truthiness, as MTS's `if not value` checks use it. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const AUTH_TYPES = new Set(['none', 'staticBearer', 'oauth', 'odoo']);

/**
 * The longest `callbackProperties.timeoutSeconds` (one hour). A receiver that has not answered one call in an hour
 * is not going to; meanwhile the call holds one of the worker's few delivery slots. It also keeps the timer far
 * below Node's 2^31-1 ms, past which a timeout silently becomes 1 ms (or throws).
 */
export const CALLBACK_MAX_TIMEOUT_SECONDS = 3600;

/** MTS's callbackProperties rules (ATS-REQ-024..034), in its order, for deliverytype callback. */
export function checkCallbackProperties(cp: unknown, output: unknown): EnvelopeIssue | null {
  if (!truthy(cp)) return issue('ATS-REQ-024', 'callbackProperties cannot be empty for deliverytype callback');
  if (!isObject(cp)) return null;
  if (output === 'csv' && !truthy(cp.requestFileName)) return issue('ATS-REQ-025', 'requestFileName is not valid in callbackProperties');
  if (output === 'csv' && !truthy(cp.callInBulk)) return issue('ATS-REQ-026', 'callInBulk cannot be false for csv output');
  if (cp.authType !== undefined && !AUTH_TYPES.has(cp.authType as string)) return issue('ATS-REQ-027', 'unsupported authType in CallbackProperties');
  const authType = cp.authType ?? 'none';

  if (authType === 'odoo' && !truthy(cp.authOdoo)) return issue('ATS-REQ-028', 'authOdoo cannot be empty for authType odoo');
  // MTS checks an auth block whenever one is given, whatever the authType; database before username (field order).
  if (isObject(cp.authOdoo)) {
    const odoo = cp.authOdoo;
    if (!truthy(odoo.authUrl)) return issue('ATS-REQ-031', 'authUrl in authOdoo, cannot be empty for authType odoo');
    if (!truthy(odoo.database)) return issue('ATS-REQ-033', 'database in authOdoo, cannot be empty for authType odoo');
    if (!truthy(odoo.username)) return issue('ATS-REQ-032', 'username in authOdoo, cannot be empty for authType odoo');
  }
  if (authType === 'oauth' && !truthy(cp.authOauth)) return issue('ATS-REQ-029', 'authOauth cannot be empty for authType oauth');
  // Ours: MTS accepts these and fails every callback later; a token request needs an address and a grant.
  if (authType === 'oauth' && isObject(cp.authOauth)) {
    if (!truthy(cp.authOauth.authUrl)) return issue('ATS-REQ-029', 'authUrl in authOauth cannot be empty for authType oauth');
    if (!truthy(cp.authOauth.username) && !truthy(cp.authOauth.clientId)) {
      return issue('ATS-REQ-029', 'authOauth needs username (password grant) or clientId (client credentials) for authType oauth');
    }
  }
  if (authType === 'staticBearer' && !truthy(cp.authStaticBearer)) {
    return issue('ATS-REQ-030', 'authStaticBearer cannot be empty for authType staticBearer');
  }
  if (isObject(cp.authStaticBearer) && !truthy(cp.authStaticBearer.token)) {
    return issue('ATS-REQ-034', 'token in authStaticBearer cannot be empty for authType staticBearer');
  }
  // Ours, after MTS's checks: a number out of range would make every call fail; another type is a schema error.
  const timeout = cp.timeoutSeconds;
  if (typeof timeout === 'number' && !(timeout > 0 && timeout <= CALLBACK_MAX_TIMEOUT_SECONDS)) {
    return issue('ATS-REQ-102', `invalid input. callbackProperties.timeoutSeconds must be more than 0 and at most ${CALLBACK_MAX_TIMEOUT_SECONDS}`);
  }
  return null;
}

/**
 * MTS's ODK checks (ATS-REQ-018..022, in its order), made before any pull: the one place these rules live.
 * `projectid` and `formid` may be numbers: MTS's pydantic model coerces `5` to `"5"`, so MTS accepts them.
 *
 * @example
 * ```ts
 * checkOdkConfig({ baseurl: 'https://odk.example.org', email: 'e@example.org', password: 'pw' });
 * // { errorCode: 'ATS-REQ-21', errorMessage: 'no odk project id provided', httpStatus: 400 }
 * ```
 */
export function checkOdkConfig(odk: unknown, style: OdkCodeStyle = 'mts'): EnvelopeIssue | null {
  const config = isObject(odk) ? odk : {};
  const missing = (k: string) => typeof config[k] !== 'string' || config[k] === '';
  const missingId = (k: string) => !(typeof config[k] === 'number' && Number.isFinite(config[k])) && missing(k);
  const fail = (n: number, message: string) => issue(odkErrorCode(n, style), message);
  if (missing('baseurl')) return fail(18, 'no odk baseurl provided');
  // Anything else would only fail in the worker, after the caller was told the request was accepted.
  if (!isHttpUrl(config.baseurl as string)) return fail(18, 'odk baseurl must be an http or https URL');
  if (missing('email')) return fail(19, 'no email provided');
  if (missing('password')) return fail(20, 'no password provided');
  if (missing('odataurl')) {
    if (missingId('projectid')) return fail(21, 'no odk project id provided');
    if (missingId('formid')) return fail(22, 'no odk form id provided');
  }
  return null;
}

/** An absolute http(s) URL with a host. */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
}

/**
 * `request.csvDelimiter`: a non-empty string without a quote or a line break (those cut every row into nothing:
 * MTS would accept them and end with zero records).
 */
/** `request.csvHeader` (ours): absent, null or a boolean. */
export function checkCsvHeader(header: unknown): EnvelopeIssue | null {
  if (header === undefined || header === null || typeof header === 'boolean') return null;
  return issue('ATS-REQ-102', 'Invalid Input. csvHeader must be true or false');
}

export function checkCsvDelimiter(delimiter: unknown): EnvelopeIssue | null {
  if (delimiter === undefined || delimiter === null) return null;
  if (typeof delimiter !== 'string' || delimiter === '' || /["\r\n]/.test(delimiter)) {
    return issue('ATS-REQ-102', 'Invalid Input. csvDelimiter must be a non-empty string without a quote or a line break');
  }
  return null;
}
