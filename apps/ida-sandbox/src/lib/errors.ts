/** Codes of {@link SandboxError}. Stable once released. */
export type SandboxErrorCode =
  | 'SBX_DATA_DIR' // the data folder or a file in it cannot be read or written
  | 'SBX_BAD_FILE' // a file in the data folder is not what the sandbox wrote (bad JSON, wrong key, wrong password)
  | 'SBX_CONFIG'; // an option or setting is invalid

/**
 * The sandbox's own failures (start-up, files, options). IDA rejections are not errors: they are answers.
 * Messages name files and settings, never secrets or identity data.
 */
export class SandboxError extends Error {
  readonly code: SandboxErrorCode;
  readonly retryable: boolean;
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxError';
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}
