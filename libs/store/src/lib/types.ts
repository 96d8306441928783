import type { RequestConfig as EnvelopeRequestConfig, OutputType } from '@mts/envelope';

/** Request statuses, exactly MTS's values (what `GET authtoken/status/{id}` reports). */
export type RequestStatus =
  | 'submitted'
  | 'processing'
  | 'processed'
  | 'processed_with_errors'
  | 'error_creating_download_disk_permission_error'
  | 'error_creating_download_disk_space_error'
  | 'error_creating_download_unknown_io_error'
  | 'error_creating_download_unknown_exception'
  | 'error_making_callback_request'
  // Ours, alongside MTS's callback status: the deliveries MTS never built.
  | 'error_making_websub_request'
  | 'error_making_sftp_request';

/** Record statuses, exactly MTS's values. */
export type RecordStatus = 'submitted' | 'processing' | 'processed' | 'error' | 'invalid';

/**
 * Where the worker is with a request (ours, not MTS's): `new` (stored by the API, waiting for the worker),
 * `ingesting`, `processing` (records at IDA), `delivering`, `done` (terminal; only `done` requests expire).
 */
export type RequestPhase = 'new' | 'ingesting' | 'processing' | 'delivering' | 'done';

/**
 * How the stored input is read: an encrypted input file (CSV / JSON array / NDJSON / verifiable credentials), or a
 * pull at ingest from ODK Central, Google Sheets or Form.io ({@link PULLED_INPUT_KINDS}: no input file).
 */
export type InputKind = 'csv' | 'json' | 'ndjson' | 'vc' | 'odk' | 'sheets' | 'formio';

/** The input kinds the worker pulls at ingest: their requests have no input file. */
export const PULLED_INPUT_KINDS: readonly InputKind[] = Object.freeze(['odk', 'sheets', 'formio']);

/** Delivery of the output: `none` (download only), then `pending` → `delivered` | `failed` for callbacks. */
export type DeliveryState = 'none' | 'pending' | 'delivered' | 'failed';

/**
 * The request envelope's settings, stored encrypted (callback and ODK credentials are secrets): the contract's
 * type, owned by `@mts/envelope` (type-only import: the store runs no envelope code).
 */
export type RequestConfig = EnvelopeRequestConfig;

/** What the API stores when it accepts a request. */
export interface NewRequest {
  /** Defaults to a fresh {@link newRequestId}; pass the id the input was saved under ({@link Store.saveInput}). */
  id?: string;
  /** A file kind: the input saved under `id` (of whichever file kind it was saved as); a pulled kind: no input file. */
  inputKind: InputKind;
  config: RequestConfig;
  /** Who submits it (`key:<name>`, `oidc:<sub>`), when the API authenticates callers; default null. */
  caller?: string | null;
}

/** A request as the status endpoint and the worker see it (no PII, no secrets). */
export interface RequestInfo {
  id: string;
  status: RequestStatus;
  phase: RequestPhase;
  inputKind: InputKind;
  output: OutputType;
  deliverytype: 'download' | 'callback' | 'websub' | 'sftp';
  /** The output file is written and recorded ({@link Store.openOutput} serves it). */
  hasOutput: boolean;
  counts: RecordCounts;
  chunkCount: number;
  /** Highest input line number stored so far (ingest resumes after it). */
  ingestedLineNo: number;
  deliveryState: DeliveryState;
  deliveryAttempts: number;
  attempts: number;
  /** Groups of records that received the same token; null until indexed (when every record is answered). */
  duplicateGroups: number | null;
  /** A code and short text, never PII. */
  lastError: string | null;
  /** Who submitted it (`key:<name>`, `oidc:<sub>`); null when caller authentication was off. */
  caller: string | null;
  piiErasedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** Exact record counts: `total = submitted + processed + error + invalid` (pending ones are `total - done`). */
export interface RecordCounts {
  total: number;
  processed: number;
  error: number;
  invalid: number;
}

/** The default output record MTS returns (vid, status, token, errorCode, errorMessage). */
export interface OutputRecord {
  vid: string | null;
  status: RecordStatus;
  token: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

/** A parsed input row on its way into the store. */
export interface NewRecord {
  lineNo: number;
  /** Position in the request (0-based, in input order); output follows it. */
  seq: number;
  chunk: number;
  /** The record as received (encrypted at rest); `undefined` when nothing will read it, so nothing is stored. */
  received: unknown;
  /** The mapped input for IDA when valid; omit for invalid records. */
  input?: unknown;
  /** For invalid records: the mapped vid (if any) and the ATS-REQ code and message. */
  invalid?: { vid: string | null; code: string; message: string };
}

/** A record still waiting for an IDA answer. */
export interface PendingRecord {
  lineNo: number;
  seq: number;
  input: unknown;
}

/** The answer to one record: a token, or IDA's/the authenticator's error. */
export type RecordAnswer =
  | { lineNo: number; ok: true; vid: string | null; token: string }
  | { lineNo: number; ok: false; vid: string | null; errorCode: string; errorMessage: string };

/** One record read back for delivery (decrypted; `received`/`output` are null once PII was erased). */
export interface StoredRecord {
  lineNo: number;
  seq: number;
  chunk: number;
  status: RecordStatus;
  errorCode: string | null;
  received: unknown;
  output: OutputRecord | null;
}

/** The clean-up policy: finished requests older than `expirySeconds` (since they finished) go. */
export interface CleanupPolicy {
  expirySeconds: number;
  now?: Date;
}

export interface CleanupResult {
  requests: number;
  files: number;
}
