/** Why an upload failed: stable codes, matched on by callers and shown in a request's status. */
export type SftpErrorCode =
  | 'SFTP_INVALID_OPTIONS'
  | 'SFTP_OUTBOUND_DENIED'
  | 'SFTP_UNREACHABLE'
  | 'SFTP_TIMEOUT'
  | 'SFTP_HOST_KEY_MISMATCH'
  | 'SFTP_HANDSHAKE_FAILED'
  | 'SFTP_AUTH_FAILED'
  | 'SFTP_SUBSYSTEM_UNAVAILABLE'
  | 'SFTP_NO_SUCH_PATH'
  | 'SFTP_PERMISSION_DENIED'
  | 'SFTP_NO_SPACE'
  | 'SFTP_WRITE_FAILED'
  | 'SFTP_CONNECTION_LOST'
  | 'SFTP_SOURCE_FAILED'
  | 'SFTP_ABORTED';

/**
 * An upload that failed. `retryable`: the same upload may succeed later (network, timeouts); a refused host key,
 * login, path or a full target is not retried. Messages name no secret (password, key, passphrase).
 */
export class SftpError extends Error {
  readonly code: SftpErrorCode;
  readonly retryable: boolean;
  constructor(code: SftpErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SftpError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) the server answers with. */
export const SFTP_STATUS = { NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4 } as const;
