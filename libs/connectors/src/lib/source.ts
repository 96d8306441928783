import type { Readable } from 'node:stream';
import type { InputEnvelopePart, MappingSpec, RequestConfig } from '@mts/envelope';
import type { ParsedRecord } from '@mts/parsers';
import type { InputKind } from '@mts/store';

/** How the API takes a source's records in, before any of them is read. */
export type Intake =
  /** A multipart upload in the file field `field`, stored encrypted as it streams in (csv_file). */
  | {
      type: 'upload';
      field: string;
      check?: (facts: UploadFacts, request?: Record<string, unknown>) => IntakeProblem | null;
      /** The answer when the upload is absent; default ATS-REQ-102 "Invalid Input. <field> is missing". */
      missing?: IntakeProblem;
    }
  /** A JSON array at `request.<field>` of the envelope, streamed into the stored input as NDJSON (authdata). */
  | { type: 'records'; field: string }
  /** Nothing but the envelope: the worker pulls the records with the part's config (odkconfig). */
  | { type: 'pull' }
  /**
   * Either of the two, chosen by the body's Content-Type (as MTS tells authtoken/json from csv): a JSON body brings
   * the records in `request.<records>` (streamed as NDJSON), a multipart body the envelope as the text field
   * `request` and the records as the upload `<upload>`, stored as it arrives (vcs / vc_file). `missing` is the
   * problem when no record came either way; VCs in both places are `both`.
   */
  | {
      type: 'records-or-upload';
      records: string;
      upload: string;
      check?: (facts: UploadFacts, request?: Record<string, unknown>) => IntakeProblem | null;
      missing: IntakeProblem;
      both: IntakeProblem;
    };

/** What the API learnt of an upload while storing it. */
export interface UploadFacts {
  size: number;
  /** Not UTF-8 text. */
  binary: boolean;
  nonBlankLines: number;
}

/** An upload the source refuses: an ATS-REQ code and the caller's message. */
export interface IntakeProblem {
  code: string;
  message: string;
}

/** What {@link InputSource.read} gets from the worker for one stored request. */
export interface SourceContext {
  requestId: string;
  /** The stored request's input kind (one of the source's `storedAs`). */
  inputKind: InputKind;
  config: RequestConfig;
  /** The language of the request's values: `request.lang`, else the service's default. */
  lang?: string;
  /** The stored input, decrypted (upload and records intakes). */
  openInput(): Readable;
  /** The HTTP client of pulled sources (tests pass a stand-in); default the global fetch. */
  fetch?: typeof fetch;
  /** Rows per page or window a pulled source asks for (the worker's MTS_PULL_PAGE_SIZE); unset: the source's default. */
  pageSize?: number | undefined;
  /**
   * Lines up to this one are already stored (a read resumed after a restart): the worker skips them, so a source may
   * yield them without costly checks (the vc source does not verify their proofs again). Their line numbers must
   * still come in order.
   */
  storedUpToLineNo?: number;
  signal?: AbortSignal;
}

/**
 * An input source: `POST authtoken/<kind>` in the API, its envelope part, and how the worker reads the stored
 * request's records. Records come in input order; a bad one is a `{ lineNo, error }` item, never a throw. A throw
 * with `retryable: true` means "try the whole read again later" (a pulled source that is unreachable).
 */
export interface InputSource<K extends string = string> {
  kind: K;
  /** The stored requests' `inputKind` values this source reads (`json` is stored as `ndjson`). */
  storedAs: readonly InputKind[];
  envelope: InputEnvelopePart<K>;
  intake: Intake;
  /** Where this source's records hold the seeder fields, used for the keys `request.mapping` leaves out (MTS's own default otherwise). */
  defaultMapping?: Readonly<MappingSpec>;
  read(ctx: SourceContext): AsyncIterable<ParsedRecord>;
}
