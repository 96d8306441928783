import { createAuthorizer, createTokenCache, type Authorizer } from './auth.js';
import { jsonBody, multipartBody, ndjsonBody, singleJson, type PreparedBody } from './body.js';
import { CallbackError } from './errors.js';
import { sendWithRetries } from './send.js';
import type { CallbackPayload, CallbackProperties, DeliverOptions, DeliveryResult, RecordDelivery } from './types.js';

const defaultCache = createTokenCache();

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
    signal: options.signal,
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
    } else if (payload.kind === 'ndjson-bulk') {
      await report(await send('bulk', base, ndjsonBody(payload.body)));
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

async function forEachLimited<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  for await (const item of items as AsyncIterable<T>) {
    const p: Promise<void> = fn(item).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= Math.max(1, limit)) await Promise.race(running);
  }
  await Promise.all(running);
}
