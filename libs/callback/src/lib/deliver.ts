import { createAuthorizer, createTokenCache, type Authorizer } from './auth.js';
import { jsonBody, multipartBody, type PreparedBody } from './body.js';
import { CallbackError, retryableStatus } from './errors.js';
import type { CallbackPayload, CallbackProperties, DeliverOptions, DeliveryResult, RecordDelivery } from './types.js';

const defaultCache = createTokenCache();

/** Sent with every call when {@link DeliverOptions.idempotencyKey} is set (IETF draft-ietf-httpapi-idempotency-key-header). */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

const abortableSleep = (ms: number, signal?: AbortSignal) =>
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
 * Delivers a request's output to its callback as MTS does (§3), but only a 2xx counts, failures are retried with
 * capped exponential backoff and jitter, and each record's outcome is reported. It never throws for a failed call:
 * failures are results. It throws CallbackError only for properties it cannot use (CALLBACK_INVALID_PROPERTIES).
 *
 * @example
 * ```ts
 * const result = await deliverCallback(config.callbackProperties, { kind: 'csv', content: () => decryptedCsv() });
 * if (!result.ok) markRequest('error_making_callback_request');
 * ```
 */
export async function deliverCallback(props: CallbackProperties, payload: CallbackPayload, options: DeliverOptions = {}): Promise<DeliveryResult> {
  if (!props?.url) throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'callbackProperties.url is empty');
  if (payload.kind === 'csv' && !props.requestFileName) throw new CallbackError('CALLBACK_INVALID_PROPERTIES', 'requestFileName is required for csv');
  const ctx = {
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: (props.timeoutSeconds ?? 10) * 1000,
    now: options.now ?? Date.now,
    skewMs: (options.tokenSkewSeconds ?? 30) * 1000,
    cache: options.tokenCache ?? defaultCache,
  };
  const auth = rememberRefusal(createAuthorizer(props, ctx));
  const results: RecordDelivery[] = [];
  const keep = options.keepResults ?? true;
  let delivered = 0;
  let failed = 0;
  // After this many records in a row failed on retryable errors (5xx, timeouts, refused connections) the endpoint is
  // taken as down: the rest are skipped (CALLBACK_ABORTED), not hammered. A record the receiver answered with a
  // 4xx says nothing about the others, so it neither counts nor resets.
  const breakAfter = options.maxConsecutiveFailures ?? 5;
  let downInARow = 0;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const report = async (r: RecordDelivery) => {
    if (keep) results.push(r);
    if (r.ok) delivered++;
    else failed++;
    if (r.ok) downInARow = 0;
    else if (r.retryable) downInARow++;
    if (downInARow >= breakAfter) stop.abort();
    await options.onResult?.(r);
  };
  const send = (key: string | number, idempotencyKey: string | undefined, body: PreparedBody) =>
    sendWithRetries(props, auth, body, key, idempotencyKey, { ...options, signal }, ctx);
  const base = options.idempotencyKey;
  try {
    if (payload.kind === 'json-records') {
      await forEachLimited(payload.records, options.concurrency ?? 1, async ({ key, body }) => {
        await report(await send(key, base === undefined ? undefined : `${base}:${key}`, singleJson(body)));
      });
    } else if (payload.kind === 'json-bulk') {
      await report(await send('bulk', base, jsonBody(payload.body)));
    } else {
      await report(await send('bulk', base, multipartBody(props.requestFileName!, payload.content)));
    }
  } finally {
    await auth.close();
  }
  return { ok: failed === 0, delivered, failed, results };
}

// A refused login (bad credentials) will be refused again: fail the remaining records without new attempts.
function rememberRefusal(auth: Authorizer): Authorizer {
  let refused: CallbackError | null = null;
  return {
    ...auth,
    async headers() {
      if (refused) throw refused;
      try {
        return await auth.headers();
      } catch (err) {
        if (err instanceof CallbackError && err.code === 'CALLBACK_AUTH_FAILED' && !err.retryable) refused = err;
        throw err;
      }
    },
  };
}

function singleJson(body: unknown): PreparedBody {
  const text = JSON.stringify(body);
  return { contentType: 'application/json', open: () => text };
}

async function sendWithRetries(
  props: CallbackProperties,
  auth: Authorizer,
  body: PreparedBody,
  key: string | number,
  idempotencyKey: string | undefined,
  options: DeliverOptions,
  ctx: { fetch: typeof fetch; timeoutMs: number },
): Promise<RecordDelivery> {
  const maxAttempts = Math.max(1, options.attempts ?? 4);
  const base = options.backoffBaseMs ?? 500;
  const cap = options.backoffMaxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const method = (props.httpMethod ?? 'POST').toUpperCase();
  let reauthorised = false;
  let last: { status?: number; error: CallbackError } | null = null;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (options.signal?.aborted) return fail(key, attempt - 1, new CallbackError('CALLBACK_ABORTED', 'delivery aborted'), last?.status);
    try {
      // Headers is case-insensitive, so an extra `Authorization` (or `Idempotency-Key`) replaces ours instead of joining it.
      const headers = new Headers({ 'content-type': body.contentType, ...(await auth.headers()) });
      // The same key on every attempt and on a re-run after a crash, so the receiver can drop repeats.
      if (idempotencyKey !== undefined) headers.set(IDEMPOTENCY_HEADER, idempotencyKey);
      for (const [name, value] of Object.entries(props.extraHeaders ?? {})) headers.set(name, String(value));
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const res = await ctx
        .fetch(props.url, {
          method,
          headers,
          body: hasBody ? body.open() : undefined,
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(ctx.timeoutMs), ...(options.signal ? [options.signal] : [])]),
          ...(hasBody ? { duplex: 'half' } : {}),
        } as RequestInit)
        .catch((err: Error) => {
          const timeout = err.name === 'TimeoutError';
          throw new CallbackError(timeout ? 'CALLBACK_TIMEOUT' : 'CALLBACK_TRANSPORT', timeout ? 'callback timed out' : 'callback request failed', { retryable: true, cause: err });
        });
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { key, ok: true, status: res.status, attempts: attempt };
      if ((res.status === 401 || res.status === 403) && !reauthorised && props.authType && props.authType !== 'none' && props.authType !== 'staticBearer') {
        // A stale token or session: log in again once, without spending an attempt.
        reauthorised = true;
        auth.invalidate();
        attempt--;
        continue;
      }
      last = { status: res.status, error: new CallbackError('CALLBACK_HTTP_STATUS', `callback answered HTTP ${res.status}`, { retryable: retryableStatus(res.status), status: res.status }) };
    } catch (err) {
      if (!(err instanceof CallbackError)) throw err;
      if (err.code === 'CALLBACK_INVALID_PROPERTIES') throw err;
      last = { status: err.status ?? last?.status, error: err };
    }
    if (!last.error.retryable || attempt === maxAttempts) return fail(key, attempt, last.error, last.status);
    await sleep(Math.min(cap, base * 2 ** (attempt - 1)) * (0.5 + random() / 2), options.signal);
  }
  return fail(key, maxAttempts, last?.error ?? new CallbackError('CALLBACK_TRANSPORT', 'not sent'), last?.status);
}

function fail(key: string | number, attempts: number, error: CallbackError, status?: number): RecordDelivery {
  return { key, ok: false, attempts, status, errorCode: error.code, errorMessage: error.message, retryable: error.retryable };
}

async function forEachLimited<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of items as AsyncIterable<T>) {
    const p: Promise<void> = fn(item).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= Math.max(1, limit)) await Promise.race(running);
  }
  await Promise.all(running);
}
