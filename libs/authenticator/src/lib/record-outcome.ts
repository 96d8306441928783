import type { AuthResult } from './types.js';

/** What one record ends with, as MTS records it: a token, or an error code and message. */
export type RecordOutcome = { ok: true; token: string } | { ok: false; errorCode: string; errorMessage: string };

/**
 * IDA's answer as the record's outcome, following MTS (spec §1 "IDA errors in the record"): a token; else the one
 * IDA error copied; several joined as ATS-REQ-103 `code::msg,code::msg`; none at all ATS-REQ-100.
 *
 * @example recordOutcome(await auth.authenticate(req)) // { ok: true, token: '…' }
 */
export function recordOutcome(result: Pick<AuthResult, 'authStatus' | 'authToken'> & { errors?: AuthResult['errors'] | null }): RecordOutcome {
  const errors = result.errors ?? [];
  if (result.authStatus && result.authToken) return { ok: true, token: result.authToken };
  if (errors.length === 1) return { ok: false, errorCode: errors[0]!.errorCode, errorMessage: errors[0]!.errorMessage };
  if (errors.length > 1) return { ok: false, errorCode: 'ATS-REQ-103', errorMessage: errors.map((e) => `${e.errorCode}::${e.errorMessage}`).join(',') };
  return { ok: false, errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error: IDA returned no token and no error' };
}

/**
 * A thrown error that ends the record (the caller decides first whether a `retryable` one should wait instead): an
 * authenticator error is MTS's AUT_BAS_001, anything else ATS-REQ-100.
 */
export function failedRecordOutcome(error: unknown): { ok: false; errorCode: string; errorMessage: string } {
  const e = error as { name?: unknown; code?: unknown };
  if (e?.name === 'AuthenticatorError' || (typeof e?.code === 'string' && e.code.startsWith('AUT_'))) {
    return { ok: false, errorCode: 'AUT_BAS_001', errorMessage: 'Auth request could not be processed' };
  }
  return { ok: false, errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error' };
}
