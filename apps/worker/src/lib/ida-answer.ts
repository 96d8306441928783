import { failedRecordOutcome, recordOutcome } from '@mts/authenticator';
import type { RecordAnswer } from '@mts/store';

/** The parts of `@mts/authenticator`'s AuthResult this module reads. */
export interface AuthResultLike {
  authStatus: boolean;
  authToken?: string;
  errors?: { errorCode: string; errorMessage: string }[] | null;
}

/** What came back from one IDA call: an answer to record, or a transient failure to retry later. */
export type CallOutcome = { kind: 'answer'; answer: RecordAnswer } | { kind: 'transient'; code: string };

/** An IDA answer as the record's answer: `recordOutcome` (MTS's rule, in @mts/authenticator) with the record's line and vid. */
export function answerFromResult(lineNo: number, vid: string | null, result: AuthResultLike): RecordAnswer {
  const outcome = recordOutcome(result);
  return outcome.ok ? { lineNo, ok: true, vid, token: outcome.token } : { lineNo, vid, ...outcome };
}

/**
 * Classifies a thrown error: one with `retryable` (IDA unreachable after the client's own retries) leaves the record
 * pending; any other ends it (`failedRecordOutcome`: AUT_BAS_001 for an authenticator error, else ATS-REQ-100).
 */
export function outcomeFromError(lineNo: number, vid: string | null, error: unknown): CallOutcome {
  const e = error as { code?: unknown; retryable?: unknown };
  if (e?.retryable === true) return { kind: 'transient', code: typeof e.code === 'string' ? e.code : 'UNKNOWN' };
  return { kind: 'answer', answer: { lineNo, vid, ...failedRecordOutcome(error) } };
}
