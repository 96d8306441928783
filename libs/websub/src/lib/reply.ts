/** What a hub answered to a register, deregister or publish call. */
export interface HubReply {
  /** Whether the hub took the call: 202, or any 2xx whose form body says `hub.mode=accepted`. */
  accepted: boolean;
  /** The HTTP status. */
  status: number;
  /** `hub.mode` of the form body (`accepted`, `denied`), if it had one. */
  mode?: string;
  /** `hub.reason` of a denial, if given (cut to 200 characters). */
  reason?: string;
}

const MAX_REASON = 200;

/**
 * Reads a hub's reply as MOSIP's publisher client does: `hub.mode=denied` is a refusal whatever the status (the
 * MOSIP/Ballerina hub often denies with 200); otherwise a 202, or a 2xx with `hub.mode=accepted`, is a success.
 * The body is read as `application/x-www-form-urlencoded` whatever its Content-Type, since hubs label it loosely.
 *
 * @example
 * ```ts
 * parseHubReply(200, 'hub.mode=denied&hub.reason=Topic+not+registered');
 * // { accepted: false, status: 200, mode: 'denied', reason: 'Topic not registered' }
 * ```
 */
export function parseHubReply(status: number, body: string): HubReply {
  const form = new URLSearchParams(body.trim());
  const mode = form.get('hub.mode') ?? undefined;
  const reason = form.get('hub.reason')?.slice(0, MAX_REASON) ?? undefined;
  const ok2xx = status >= 200 && status < 300;
  const accepted = mode !== 'denied' && ok2xx && (status === 202 || mode === 'accepted');
  return { accepted, status, ...(mode === undefined ? {} : { mode }), ...(reason === undefined ? {} : { reason }) };
}
