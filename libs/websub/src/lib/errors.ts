/** Stable codes of WebSub publishing. */
export type WebsubErrorCode =
  /** Properties the client cannot use (no hub URL or topic). Not retried. */
  | 'WEBSUB_INVALID_PROPERTIES'
  /** The hub answered `hub.mode=denied` (its reason is kept), whatever the HTTP status. Not retried. */
  | 'WEBSUB_DENIED'
  /** The hub answered a status that is not a success (retried for 408, 425, 429 and 5xx). */
  | 'WEBSUB_HTTP_STATUS'
  /** A 2xx other than 202 without `hub.mode=accepted`: the hub did not say it took the content. Not retried. */
  | 'WEBSUB_UNEXPECTED_REPLY'
  /** The connection failed (refused, reset, DNS). Retried. */
  | 'WEBSUB_TRANSPORT'
  /** No answer within `timeoutSeconds`. Retried. */
  | 'WEBSUB_TIMEOUT'
  /** Not sent: the delivery was aborted, or the hub was taken as down after failures in a row. */
  | 'WEBSUB_ABORTED'
  /** The transport refused the hub's address (an outbound policy). Not retried. */
  | 'WEBSUB_OUTBOUND_DENIED';

/**
 * The error of a hub call. Messages carry the step, the status and the hub's reason (cut short), never the auth
 * token or the content.
 * @example if (err instanceof WebsubError && err.retryable) scheduleLater();
 */
export class WebsubError extends Error {
  readonly code: WebsubErrorCode;
  readonly retryable: boolean;
  readonly status?: number;
  /** `hub.reason` of a denial. */
  readonly reason?: string;

  constructor(code: WebsubErrorCode, message: string, options: { retryable?: boolean; status?: number; reason?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WebsubError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.reason = options.reason;
  }
}

/** Whether a hub's HTTP status is worth retrying: timeouts, rate limits and server errors. */
export function retryableHubStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
