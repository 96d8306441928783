/** Stable codes of {@link StoreError}; once released, a code never changes. */
export type StoreErrorCode =
  | 'STORE_INVALID_OPTIONS'
  | 'STORE_BAD_DATA_KEY'
  | 'STORE_KEY_MISSING'
  | 'STORE_UNKNOWN_KEY_ID'
  | 'STORE_DECRYPT_FAILED'
  | 'STORE_FILE_TRUNCATED'
  | 'STORE_FILE_CORRUPT'
  | 'STORE_FILE_MISSING'
  | 'STORE_NOT_FOUND'
  | 'STORE_BUSY'
  | 'STORE_MIGRATION_FAILED'
  /** The database cannot be queried (closed, gone, unreadable): what a readiness check reports. */
  | 'STORE_UNAVAILABLE';

/**
 * The one error class of `@mts/store`. Match on `code`, not only `instanceof`.
 * Messages name request ids and codes at most, never record contents or keys.
 *
 * @example
 * ```ts
 * try { await store.getRequestConfig(id); }
 * catch (e) { if (e instanceof StoreError && e.code === 'STORE_UNKNOWN_KEY_ID') { ... } }
 * ```
 */
export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** Whether the same call could succeed if simply retried (true for a database held busy too long). */
  readonly retryable: boolean;

  constructor(code: StoreErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Runs a synchronous database call, turning SQLite's "busy" into a retryable {@link StoreError}. */
export function wrapBusy<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new StoreError('STORE_BUSY', 'the database stayed locked by another connection', {
        retryable: true,
        cause: error,
      });
    }
    throw error;
  }
}
