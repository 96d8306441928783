import { httpStatusForCode } from './mts-codes.js';
import type { EnvelopeIssue } from './validate-envelope.js';

/** `'mts'`: ATS-REQ-18..23 as MTS 1.1.0 sends them; `'padded'`: ATS-REQ-018..023 as its docs list them. */
export type OdkCodeStyle = 'mts' | 'padded';

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

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const AUTH_TYPES = new Set(['none', 'staticBearer', 'oauth', 'odoo']);

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
  if (authType === 'staticBearer' && !truthy(cp.authStaticBearer)) {
    return issue('ATS-REQ-030', 'authStaticBearer cannot be empty for authType staticBearer');
  }
  if (isObject(cp.authStaticBearer) && !truthy(cp.authStaticBearer.token)) {
    return issue('ATS-REQ-034', 'token in authStaticBearer cannot be empty for authType staticBearer');
  }
  return null;
}

/** MTS's ODK checks (ATS-REQ-018..022), made before any pull. */
export function checkOdkConfig(odk: Record<string, unknown>, style: OdkCodeStyle): EnvelopeIssue | null {
  const missing = (k: string) => typeof odk[k] !== 'string' || odk[k] === '';
  const fail = (n: number, message: string) => issue(odkErrorCode(n, style), message);
  if (missing('baseurl')) return fail(18, 'no odk baseurl provided');
  if (missing('email')) return fail(19, 'no email provided');
  if (missing('password')) return fail(20, 'no password provided');
  if (missing('odataurl')) {
    if (missing('projectid')) return fail(21, 'no odk project id provided');
    if (missing('formid')) return fail(22, 'no odk form id provided');
  }
  return null;
}
