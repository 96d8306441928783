import type { InputKind } from '@mts/store';
import type { Readable } from 'node:stream';
import type { EnvelopeIssue, MappingSpec } from '@mts/envelope';

/** What the API hands over to persistence when a request is accepted; the worker does the rest. */
export interface Submission {
  /** The input source (`@mts/connectors`): json, csv, odk. */
  kind: string;
  /** How the worker will read the stored input (the source's first `storedAs`: ndjson, csv, odk). */
  inputKind: InputKind;
  /** The envelope's `request` object without `authdata` (output, deliverytype, mapping, lang, outputFormat, callbackProperties, odkconfig, csvDelimiter). */
  request: Record<string, unknown>;
  /** Records intakes (json): the records as received, when the port has no `saveJsonInput`. */
  records?: unknown[];
  /** kind csv: the upload already on disk (see {@link UploadStorage}); kind json: the NDJSON written by `saveJsonInput`. */
  upload?: StoredUpload;
  /** The authenticated caller (`key:<name>`, `oidc:<sub>`); undefined when caller authentication is off. */
  caller?: string;
}

/** Record counts shown by GET authtoken/status (fields added to MTS's `status`). */
export interface RequestCounts {
  total: number;
  processed: number;
  error: number;
  invalid: number;
}

/** A request as the status endpoint shows it. */
export interface RequestStatusView {
  status: string;
  counts?: RequestCounts;
  /** Estimated completion time (ISO 8601), null when unknown or finished. */
  eta?: string | null;
  /** Why the request ended early or with errors (a code such as SOURCE_UNREACHABLE:ODK_NETWORK), when known. */
  errorCode?: string;
  /** Groups of records that received the same token (GET authtoken/duplicates/{id}), once every record is answered. */
  duplicateGroups?: number;
}

/** A request's duplicate report as the duplicates endpoint serves it. */
export interface DuplicatesView {
  /** False until every record is answered and the groups are indexed. */
  ready: boolean;
  /** How many groups (0 when no two records share a token); null while not ready. */
  groups: number | null;
  /** The groups in order of their first line: input line numbers only, never PII or tokens. */
  read(): AsyncIterable<{ group: number; lineNos: number[] }>;
}

/** A request's output as the file endpoint serves it. */
export interface OutputView {
  status: string;
  /** False until the output file exists (status `processed…`). */
  ready: boolean;
  output: 'json' | 'csv' | 'ndjson';
  /**
   * Opens the decrypted output; only called when `ready`. Rejects, before any byte is sent, when the output is
   * missing or damaged at its start; damage further in errors the stream.
   */
  open(): Promise<Readable>;
}

/** Persistence as the API needs it; implemented over `@mts/store` in store-requests.ts. */
export interface RequestsPort {
  /** Persists the request and its input, enqueues ingestion, returns the request id. Must not map or authenticate. */
  submit(submission: Submission): Promise<{ id: string }>;
  /**
   * Writes authtoken/json's records, NDJSON text as it streams in, to a new input file named by a request id chosen
   * now, before the envelope is known to be valid; removes the partial file on failure. Optional: without it the API
   * collects the records in memory and passes them as `authdata`.
   */
  saveJsonInput?(lines: Readable): Promise<{ path: string; encrypted: boolean; requestId: string }>;
  /** Removes an input written by `saveJsonInput` that will not be used (the envelope was invalid). */
  discardInput?(path: string): Promise<void>;
  /**
   * null for an unknown id. `caller` (given when caller authentication is on): null also for a request of another
   * caller, or one submitted while authentication was off, so its existence is not revealed.
   */
  status(id: string, caller?: string): Promise<RequestStatusView | null>;
  /** null for an unknown id, or one `caller` does not own (as for status). */
  output(id: string, caller?: string): Promise<OutputView | null>;
  /** null for an unknown id, or one `caller` does not own. Optional: without it GET authtoken/duplicates answers 404. */
  duplicates?(id: string, caller?: string): Promise<DuplicatesView | null>;
  /**
   * The most recent requests (of `caller` when given), newest first; with `ids`, only those of them (unknown ids and
   * other callers' requests are left out). Optional: without it the list is empty.
   */
  list?(options: { caller?: string; limit: number; ids?: string[] }): Promise<RequestSummary[]>;
}

/** One request in GET authtoken/requests (no PII, no secrets). */
export interface RequestSummary {
  requestId: string;
  status: string;
  inputKind: string;
  output: string;
  deliverytype: string;
  counts: RequestCounts;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; null while unfinished. */
  finishedAt: string | null;
}

/** An upload written to disk (possibly encrypted at rest). */
export interface StoredUpload {
  /** Where the storage keeps it, as the storage names it (a file path, or for the store the request id). */
  path: string;
  /** Set when the storage already chose the request id the file is named after. */
  requestId?: string;
  /** Bytes received (before any encryption). */
  size: number;
  encrypted: boolean;
}

/** Where CSV uploads go while they stream in. */
export interface UploadStorage {
  /** Writes the stream to a new file (encrypted when the storage encrypts); removes the partial file on failure. */
  save(source: Readable): Promise<{ path: string; encrypted: boolean; requestId?: string }>;
  /** Removes an upload that will not be used (invalid envelope, failed checks). */
  remove(path: string): Promise<void>;
}

/** One IDA error as the sync endpoint reports it. */
export interface SyncAuthError {
  errorCode: string;
  errorMessage: string;
  actionMessage?: string;
}

/** The single-record synchronous path: map one record and authenticate it now. */
export interface SyncPort {
  /** `mapping`, `lang` as in the envelope; rejects with an error carrying `code` for an invalid record. */
  authenticate(record: unknown, options: { mapping?: MappingSpec; lang?: string }): Promise<SyncResult>;
}

/** Result of {@link SyncPort.authenticate}: either a mapping problem or IDA's answer. */
export type SyncResult =
  | { kind: 'invalid'; code: string; message: string }
  | { kind: 'auth'; authStatus: boolean; authToken?: string; errors: SyncAuthError[] };

/** An envelope problem as `@mts/envelope`'s validateEnvelope reports it. */
export type { EnvelopeIssue };

/** Envelope checks (normally `@mts/envelope`'s validateEnvelope and `@mts/field-mapping`'s compileOutputFormat). */
export interface EnvelopePort {
  /** `kind`: an input source's kind, or `sync`. */
  validate(kind: string, body: unknown): EnvelopeIssue[];
  /** Throws an error with `code` ATS-REQ-103 when the expression does not compile. */
  compileOutputFormat(expression: unknown): unknown;
}
