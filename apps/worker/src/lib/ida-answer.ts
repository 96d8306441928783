import type { RecordAnswer } from '@mts/store';

/** The parts of `@mts/authenticator`'s AuthResult this module reads. */
export interface AuthResultLike {
  authStatus: boolean;
  authToken?: string;
  errors?: { errorCode: string; errorMessage: string }[] | null;
}

/** What came back from one IDA call: an answer to record, or a transient failure to retry later. */
export type CallOutcome = { kind: 'answer'; answer: RecordAnswer } | { kind: 'transient'; code: string };

/**
 * Turns an IDA answer into the record's answer, following MTS (spec §1 "IDA errors in the record"): a token;
 * else one IDA error copied; several joined as ATS-REQ-103 `code::msg,code::msg`; none at all ATS-REQ-100.
 */
export function answerFromResult(lineNo: number, vid: string | null, result: AuthResultLike): RecordAnswer {
  const errors = result.errors ?? [];
  if (result.authStatus && result.authToken) return { lineNo, ok: true, vid, token: result.authToken };
  if (errors.length === 1) {
    return { lineNo, ok: false, vid, errorCode: errors[0]!.errorCode, errorMessage: errors[0]!.errorMessage };
  }
  if (errors.length > 1) {
    const joined = errors.map((e) => `${e.errorCode}::${e.errorMessage}`).join(',');
    return { lineNo, ok: false, vid, errorCode: 'ATS-REQ-103', errorMessage: joined };
  }
  return { lineNo, ok: false, vid, errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error: IDA returned no token and no error' };
}

/**
 * Classifies a thrown error: `AuthenticatorError` with `retryable` (IDA unreachable after the client's own retries)
 * leaves the record pending; any other authenticator error is MTS's AUT_BAS_001; anything else ATS-REQ-100.
 */
export function outcomeFromError(lineNo: number, vid: string | null, error: unknown): CallOutcome {
  const e = error as { name?: unknown; code?: unknown; retryable?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'UNKNOWN';
  if (e?.retryable === true) return { kind: 'transient', code };
  if (e?.name === 'AuthenticatorError' || code.startsWith('AUT_')) {
    return { kind: 'answer', answer: { lineNo, ok: false, vid, errorCode: 'AUT_BAS_001', errorMessage: 'Auth request could not be processed' } };
  }
  return { kind: 'answer', answer: { lineNo, ok: false, vid, errorCode: 'ATS-REQ-100', errorMessage: 'Unknown error' } };
}
