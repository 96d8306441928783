/** A value in one language, IDA's shape for name, gender and address fields. */
export type LangValue = { language: string; value: string };

/** Demographic data to match. Unset (undefined or null) fields are left out of the request. */
export interface Demographics {
  name?: LangValue[];
  gender?: LangValue[];
  /** `yyyy/MM/dd`. */
  dob?: string;
  phoneNumber?: string;
  emailId?: string;
  fullAddress?: LangValue[];
  [field: string]: unknown;
}

/** One authentication to perform. */
export interface AuthRequest {
  individualId: string;
  /** Omit to let IDA (1.2+) detect it. */
  individualIdType?: 'UIN' | 'VID';
  demographics: Demographics;
}

/** One of IDA's error items, passed through unchanged. */
export interface IdaError {
  errorCode: string;
  errorMessage: string;
  actionMessage?: string;
}

/** IDA's answer. A mismatch is `authStatus: false` with IDA's errors, not an exception. */
export interface AuthResult {
  authStatus: boolean;
  authToken?: string;
  errors: IdaError[];
  /** The transactionID IDA echoed (ours if it echoed none). */
  transactionId: string;
  responseTime: string;
  /** IDA's response body as parsed JSON, e.g. for the CLI to print. */
  idaResponse: unknown;
}

/** What a transport is asked to send: one POST. */
export interface TransportRequest {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
}

/** What a transport returns: any HTTP answer (status codes are judged by the authenticator). */
export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends requests. Rejections (network errors, timeouts) count as transient and are retried. */
export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  close?(): Promise<void>;
}

/**
 * What one HTTP attempt at IDA did, retried attempts included: reported to `onAttempt` (see AuthenticatorConfig).
 * Carries no request data, only the outcome.
 */
export interface AttemptReport {
  /** IDA's HTTP status; undefined when no answer came (network error or timeout). */
  status: number | undefined;
  /** From sending the request to reading the whole answer (or to the failure), in ms. */
  latencyMs: number;
  /** Set when no answer came: `timeout` (the per-attempt timeout fired) or `network`. */
  error?: 'timeout' | 'network';
}
