import type { WebsubProperties } from '@mts/envelope';
import { publish, register, topicAlreadyRegistered, type BodySource, type HubCallOptions } from './client.js';
import { retryableHubStatus, WebsubError } from './errors.js';
import type { HubReply } from './reply.js';

/** What to publish: one message per record (each its own JSON), or the whole output once. */
export type PublishPayload =
  | { kind: 'records'; records: AsyncIterable<{ key: string | number; body: unknown }> | Iterable<{ key: string | number; body: unknown }> }
  | { kind: 'bulk'; contentType: string; body: BodySource };

/** One publish's outcome (`key` is `'bulk'` for the whole output, `'register'` for a failed registration). */
export interface PublishResult {
  key: string | number;
  ok: boolean;
  status?: number;
  attempts: number;
  errorCode?: string;
  errorMessage?: string;
  /** The hub's `hub.reason` when it denied. */
  reason?: string;
  retryable?: boolean;
}

/** How a whole delivery ended. `results` is `[]` with `keepResults: false`. */
export interface PublishDeliveryResult {
  ok: boolean;
  delivered: number;
  failed: number;
  results: PublishResult[];
}

/** Options of {@link deliverWebsub}: transport, retries and backoff (capped exponential with jitter). */
export interface PublishOptions {
  fetch?: typeof fetch;
  /** Tries per call; default 4. */
  attempts?: number;
  /** Default 500. */
  backoffBaseMs?: number;
  /** Default 30 000. */
  backoffMaxMs?: number;
  /** After this many records in a row failed on retryable errors the hub is taken as down (default 5). */
  maxConsecutiveFailures?: number;
  /** Default true. */
  keepResults?: boolean;
  /** Each outcome as it comes (per record: the caller marks it); a throw rejects the delivery. */
  onResult?(result: PublishResult): void | Promise<void>;
  signal?: AbortSignal;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  random?(): number;
}

const sleepFor = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Publishes a request's output to a WebSub hub (integrations §4): registers the topic first unless
 * `register: false` (an already registered topic is fine), then one publish per record or one of the whole output.
 * A publish counts only when the hub accepts it (202, or 2xx with `hub.mode=accepted`); `hub.mode=denied` is a
 * failure with the hub's reason. Retryable failures (transport, timeout, 408/425/429/5xx) are retried with backoff.
 * Failures are results, never throws; only unusable properties throw (`WEBSUB_INVALID_PROPERTIES`).
 *
 * @example
 * ```ts
 * const result = await deliverWebsub({ hubUrl, topic: 'tokens' }, { kind: 'records', records: [{ key: 1, body: { vid: '1', token: 't' } }] });
 * result.ok; // every record accepted by the hub
 * ```
 */
export async function deliverWebsub(props: WebsubProperties, payload: PublishPayload, options: PublishOptions = {}): Promise<PublishDeliveryResult> {
  if (!props?.hubUrl || !URL.canParse(props.hubUrl) || !props.topic) throw new WebsubError('WEBSUB_INVALID_PROPERTIES', 'websubProperties needs a hub URL and a topic');
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const call: HubCallOptions = {
    fetch: options.fetch,
    timeoutMs: (props.timeoutSeconds ?? 10) * 1000,
    authToken: props.authToken,
    extraHeaders: props.extraHeaders,
    signal,
  };
  const results: PublishResult[] = [];
  const keep = options.keepResults ?? true;
  let delivered = 0;
  let failed = 0;
  const breakAfter = options.maxConsecutiveFailures ?? 5;
  let downInARow = 0;
  const report = async (r: PublishResult) => {
    if (keep) results.push(r);
    if (r.ok) delivered++;
    else failed++;
    // Only retryable failures say the hub is down; a denial says something about this message alone.
    downInARow = r.ok ? 0 : r.retryable ? downInARow + 1 : downInARow;
    if (downInARow >= breakAfter) stop.abort();
    await options.onResult?.(r);
  };

  if (props.register !== false) {
    const registered = await withRetries('register', () => register(props.hubUrl, props.topic, call), options, signal, topicAlreadyRegistered);
    if (!registered.ok) {
      // Nothing was published: the records stay undelivered (unmarked) for a later run. The one result is kept
      // even with keepResults false, since no record's outcome will carry the reason.
      return { ok: false, delivered: 0, failed: 1, results: [registered] };
    }
  }
  if (payload.kind === 'bulk') {
    await report(await withRetries('bulk', () => publish(props.hubUrl, props.topic, { contentType: payload.contentType, body: payload.body }, call), options, signal));
  } else {
    for await (const { key, body } of payload.records as AsyncIterable<{ key: string | number; body: unknown }>) {
      const text = JSON.stringify(body);
      await report(await withRetries(key, () => publish(props.hubUrl, props.topic, { contentType: 'application/json', body: text }, call), options, signal));
    }
  }
  return { ok: failed === 0, delivered, failed, results };
}

/** One hub call with its retries: only an accepted reply (or one `alsoOk` takes) succeeds. */
async function withRetries(
  key: string | number,
  send: () => Promise<HubReply>,
  options: PublishOptions,
  signal: AbortSignal,
  alsoOk: (reply: HubReply) => boolean = () => false,
): Promise<PublishResult> {
  const maxAttempts = Math.max(1, options.attempts ?? 4);
  const base = options.backoffBaseMs ?? 500;
  const cap = options.backoffMaxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepFor;
  let last: WebsubError = new WebsubError('WEBSUB_ABORTED', 'not sent');
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (signal.aborted) return fail(key, attempt - 1, new WebsubError('WEBSUB_ABORTED', 'publishing aborted'), last.status);
    try {
      const reply = await send();
      if (reply.accepted || alsoOk(reply)) return { key, ok: true, status: reply.status, attempts: attempt };
      last = refusal(reply);
    } catch (err) {
      if (!(err instanceof WebsubError)) throw err;
      last = err;
    }
    if (!last.retryable || attempt === maxAttempts) return fail(key, attempt, last, last.status);
    await sleep(Math.min(cap, base * 2 ** (attempt - 1)) * (0.5 + random() / 2), signal);
  }
  return fail(key, maxAttempts, last, last.status);
}

function refusal(reply: HubReply): WebsubError {
  const { status, reason } = reply;
  if (reply.mode === 'denied') return new WebsubError('WEBSUB_DENIED', `the hub denied the call (HTTP ${status})${reason ? `: ${reason}` : ''}`, { status, reason });
  if (status >= 200 && status < 300) return new WebsubError('WEBSUB_UNEXPECTED_REPLY', `the hub answered HTTP ${status} without hub.mode=accepted`, { status });
  return new WebsubError('WEBSUB_HTTP_STATUS', `the hub answered HTTP ${status}`, { status, retryable: retryableHubStatus(status) });
}

function fail(key: string | number, attempts: number, error: WebsubError, status?: number): PublishResult {
  return {
    key,
    ok: false,
    attempts,
    ...(status === undefined ? {} : { status }),
    errorCode: error.code,
    errorMessage: error.message,
    ...(error.reason === undefined ? {} : { reason: error.reason }),
    retryable: error.retryable,
  };
}
