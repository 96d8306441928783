/** Stable codes of {@link AgendaSqliteError}; once released, a code never changes. */
export type AgendaSqliteErrorCode =
  | 'INVALID_OPTIONS'
  | 'OPEN_FAILED'
  | 'NOT_CONNECTED'
  | 'INVALID_UNIQUE_FIELD'
  | 'JOB_NOT_FOUND'
  | 'DATABASE_BUSY';

/**
 * The one error class of `@mts/agenda-sqlite`. Match on `code`, not only `instanceof`.
 * Messages name job ids and job names at most, never job data.
 *
 * @example
 * ```ts
 * try { await backend.repository.saveJobState(job, undefined); }
 * catch (e) { if (e instanceof AgendaSqliteError && e.code === 'JOB_NOT_FOUND') { ... } }
 * ```
 */
export class AgendaSqliteError extends Error {
  readonly code: AgendaSqliteErrorCode;
  /** Whether the same call could succeed if simply retried (true only for a database held busy too long). */
  readonly retryable: boolean;

  constructor(code: AgendaSqliteErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgendaSqliteError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Turns SQLite's "busy" (another process held the write lock past busy_timeout) into a retryable error. */
export function wrapBusy<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new AgendaSqliteError('DATABASE_BUSY', 'the job database stayed locked by another connection', {
        retryable: true,
        cause: error,
      });
    }
    throw error;
  }
}
