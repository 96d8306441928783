import type { CallbackProperties } from '@mts/envelope';

/** MTS's `callbackProperties`: the contract's type (§3), owned by `@mts/envelope`. */
export type { CallbackProperties };

/** The bytes of one bulk body: a string/buffer, or a factory called once per attempt (so retries can re-read it). */
export type BodySource = string | Uint8Array | (() => AsyncIterable<Uint8Array | string>);

/** What to send: MTS's three shapes. */
export type CallbackPayload =
  /** json, callInBulk false: one request per record, body = that record's JSON. `key` identifies it in the results. */
  | { kind: 'json-records'; records: AsyncIterable<{ key: string | number; body: unknown }> | Iterable<{ key: string | number; body: unknown }> }
  /** json, callInBulk true: one request whose body is the JSON array (already serialised, or the array). */
  | { kind: 'json-bulk'; body: BodySource | unknown[] }
  /** ndjson (ours), callInBulk true: one request whose body is the NDJSON output (`application/x-ndjson`). */
  | { kind: 'ndjson-bulk'; body: BodySource }
  /** csv (callInBulk must be true): one multipart request, one file part named `requestFileName`. */
  | { kind: 'csv'; content: BodySource };

/** The outcome for one record (json-records) or for the one bulk/csv call (key `bulk`). */
export interface RecordDelivery {
  key: string | number;
  ok: boolean;
  /** Last HTTP status seen, if any answer came. */
  status?: number;
  attempts: number;
  /** CALLBACK_* code when not ok; no PII, no secrets. */
  errorCode?: string;
  errorMessage?: string;
  /** When not ok: whether the last error was one worth retrying later (5xx, timeout, transport), not a 4xx. */
  retryable?: boolean;
}

/** Result of {@link deliverCallback}. */
export interface DeliveryResult {
  /** True when every call got a 2xx. */
  ok: boolean;
  delivered: number;
  failed: number;
  /** Every outcome in order; empty with `keepResults: false`. */
  results: RecordDelivery[];
}

/** OAuth tokens shared between deliveries (one per process is right); see createTokenCache. */
export interface TokenCache {
  get(key: string): { token: string; expiresAt: number } | undefined;
  set(key: string, value: { token: string; expiresAt: number }): void;
  delete(key: string): void;
}

export interface DeliverOptions {
  /** Injected transport; default global fetch. */
  fetch?: typeof fetch;
  /** Attempts per call, first included; default 4. */
  attempts?: number;
  /** Exponential backoff base and cap; each wait is a random half to all of min(cap, base × 2^(attempt − 1)) ("equal jitter"). Default 500 ms / 30 s. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Per-record mode: after this many records in a row failed on retryable errors (the endpoint looks down) the rest
   * are skipped (CALLBACK_ABORTED); a record refused with a 4xx does not count. Default 5.
   */
  maxConsecutiveFailures?: number;
  /**
   * Sets the `Idempotency-Key` header: this value on a bulk/csv call, `<value>:<record key>` on each per-record call
   * (the worker passes the request id, so `<requestId>:<lineNo>`). Stable across retries and re-runs; extraHeaders
   * can still override it.
   */
  idempotencyKey?: string;
  /** Keep every outcome in `results` (default true). False when onResult persists them, so a large request holds none. */
  keepResults?: boolean;
  /** Parallel per-record calls; default 1 (MTS calls sequentially, kind to small Odoo servers). */
  concurrency?: number;
  /** Subtracted from OAuth `expires_in`; default 30 s. */
  tokenSkewSeconds?: number;
  tokenCache?: TokenCache;
  /** Called as each record's outcome is known, so the caller can persist progress. */
  onResult?: (result: RecordDelivery) => void | Promise<void>;
  /** Stops retries and pending calls (e.g. SIGTERM); undelivered records come back not ok with CALLBACK_ABORTED. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}
