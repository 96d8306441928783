import { failedRecordOutcome, recordOutcome, type AuthResult, type RecordOutcome } from '@mts/authenticator';
import type { DefaultOutputRecord } from '@mts/field-mapping';

const row = (vid: string, o: RecordOutcome): DefaultOutputRecord =>
  o.ok
    ? { vid, status: 'processed', token: o.token, errorCode: null, errorMessage: null }
    : { vid, status: 'error', token: null, errorCode: o.errorCode, errorMessage: o.errorMessage };

/** IDA's answer as MTS's default output record, by the rule the worker records it with (`recordOutcome`). */
export function outputFromResult(vid: string, result: Pick<AuthResult, 'authStatus' | 'authToken' | 'errors'>): DefaultOutputRecord {
  return row(vid, recordOutcome(result));
}

/** A non-retryable authenticator failure for one record, as the worker records it (`failedRecordOutcome`). */
export function outputFromError(vid: string, error: unknown): DefaultOutputRecord {
  return row(vid, failedRecordOutcome(error));
}
