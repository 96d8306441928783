/**
 * `mts-seed`'s exit statuses. Once released, a number never changes meaning (scripts branch on them).
 */
export const EXIT = {
  /** Every record has a token. */
  OK: 0,
  /** The run finished and the output is complete, but some records are `error` or `invalid` (see their rows). */
  RECORD_ERRORS: 1,
  /** Bad flags or arguments; also an existing journal without `--resume`, or one that belongs to another run. */
  USAGE: 2,
  /** The input file cannot be read (missing, not readable, a stream failure), or is not records (an MTS envelope). */
  INPUT_UNREADABLE: 3,
  /** IDA (embedded) or the server is unreachable, or IDA's partner settings are unusable. */
  UNREACHABLE: 4,
  /** Stopped by SIGINT/SIGTERM: the journal is flushed, `--resume` continues. */
  INTERRUPTED: 5,
  /** Server mode: the server refused the request (its code is printed) or ended it without an output. */
  REQUEST_FAILED: 6,
  /** Server mode: the API key is missing or refused (401/403). */
  AUTH_REFUSED: 7,
  /** The output or the journal cannot be written. */
  OUTPUT_UNWRITABLE: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the run with its exit status; the message holds no PII, token or key. */
export class SeedError extends Error {
  override name = 'SeedError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
