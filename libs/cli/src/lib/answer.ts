import type { AuthResult } from '@mts/authenticator';
import type { DefaultOutputRecord } from '@mts/field-mapping';

/**
 * IDA's answer as MTS's default output record (spec §1 "IDA errors in the record", as the worker records it): a
 * token; else the one IDA error; several joined as ATS-REQ-103 `code::msg,code::msg`; none at all ATS-REQ-100.
 */
export function outputFromResult(vid: string, result: Pick<AuthResult, 'authStatus' | 'authToken' | 'errors'>): DefaultOutputRecord {
  const errors = result.errors ?? [];
  if (result.authStatus && result.authToken) return { vid, status: 'processed', token: result.authToken, errorCode: null, errorMessage: null };
  const fail = (errorCode: string, errorMessage: string): DefaultOutputRecord => ({ vid, status: 'error', token: null, errorCode, errorMessage });
  if (errors.length === 1) return fail(errors[0]!.errorCode, errors[0]!.errorMessage);
  if (errors.length > 1) return fail('ATS-REQ-103', errors.map((e) => `${e.errorCode}::${e.errorMessage}`).join(','));
  return fail('ATS-REQ-100', 'Unknown error: IDA returned no token and no error');
}

/** A non-retryable authenticator failure for one record, as the worker records it (MTS's AUT_BAS_001). */
export function outputFromError(vid: string, error: unknown): DefaultOutputRecord {
  const e = error as { name?: unknown; code?: unknown };
  if (e?.name === 'AuthenticatorError' || (typeof e?.code === 'string' && e.code.startsWith('AUT_'))) {
    return { vid, status: 'error', token: null, errorCode: 'AUT_BAS_001', errorMessage: 'Auth request could not be processed' };
  }
  return { vid, status: 'error', token: null, errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error' };
}
