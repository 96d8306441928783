/** Stable codes of callback delivery. */
export type CallbackErrorCode =
  | 'CALLBACK_INVALID_PROPERTIES'
  | 'CALLBACK_AUTH_FAILED'
  | 'CALLBACK_HTTP_STATUS'
  /** An Odoo endpoint answered 2xx with a JSON-RPC `error` body (Odoo's way of refusing on `type='json'` routes). Not retried. */
  | 'CALLBACK_RPC_ERROR'
  | 'CALLBACK_TRANSPORT'
  | 'CALLBACK_TIMEOUT'
  | 'CALLBACK_ABORTED'
  /** The transport refused the address (an outbound policy: private and loopback addresses). Not retried. */
  | 'CALLBACK_OUTBOUND_DENIED';

/**
 * The error of callback delivery. Messages name the step and status only: never tokens, passwords or record data.
 * @example if (err instanceof CallbackError && err.retryable) scheduleLater();
 */
export class CallbackError extends Error {
  readonly code: CallbackErrorCode;
  readonly retryable: boolean;
  readonly status?: number;

  constructor(code: CallbackErrorCode, message: string, options: { retryable?: boolean; status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CallbackError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
  }
}

/** Whether an HTTP status is worth retrying: timeouts, rate limits and server errors. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
