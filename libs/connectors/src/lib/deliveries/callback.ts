import { CallbackError, deliverCallback, type CallbackPayload, type DeliverOptions, type DeliveryResult } from '@mts/callback';
import { callbackDelivery as envelope } from '@mts/envelope';
import type { Delivery, DeliveryContext, DeliveryOutcome } from '../delivery.js';

/**
 * `deliverytype: callback` (integrations §3) over `@mts/callback`: csv as one multipart call, json in bulk as one
 * call, else one call per record. Only a 2xx counts; retries are the callback client's. Every call carries
 * `Idempotency-Key: <requestId>` (bulk, csv) or `<requestId>:<lineNo>`. Per record, each outcome is marked, so a
 * re-run sends only the records not yet delivered; a failed record is still followed by the others.
 *
 * @example
 * ```ts
 * const delivery = createCallbackDelivery(); // or with a stand-in sender in tests
 * const outcome = await delivery.deliver!(ctx);
 * ```
 */
export function createCallbackDelivery(send: typeof deliverCallback = deliverCallback): Delivery {
  return {
    deliverytype: 'callback',
    envelope,
    failureStatus: 'error_making_callback_request',
    deliver: (ctx) => deliverByCallback(send, ctx),
  };
}

/** The callback delivery with the real client. */
export const callbackDelivery: Delivery = createCallbackDelivery();

async function deliverByCallback(send: typeof deliverCallback, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const { config, requestId } = ctx;
  const props = config.callbackProperties;
  if (!props) return { ok: false, code: 'CALLBACK_INVALID_PROPERTIES', delivered: 0, failed: 0 };
  // Opened again for each attempt, so a retry re-reads it.
  const file = () =>
    (async function* () {
      yield* await ctx.openOutput();
    })();
  // Injected settings (attempts, backoff, transport) first; the key and the per-record marks are the delivery's own.
  const options: DeliverOptions = { ...(ctx.options as DeliverOptions | undefined), idempotencyKey: requestId };
  let firstErrorCode: string | undefined;
  let payload: CallbackPayload;
  if (config.output === 'csv') payload = { kind: 'csv', content: file };
  // ndjson is delivered as json is (one call per record), except in bulk, where the body is the NDJSON output.
  else if (props.callInBulk) payload = config.output === 'ndjson' ? { kind: 'ndjson-bulk', body: file } : { kind: 'json-bulk', body: file };
  else {
    // Outcomes go to the store as they come; none is held in memory.
    options.keepResults = false;
    options.onResult = (r) => {
      if (!r.ok) firstErrorCode ??= r.errorCode ?? 'CALLBACK_FAILED';
      return ctx.mark(r.ok ? { lineNo: Number(r.key), ok: true } : { lineNo: Number(r.key), ok: false, errorCode: r.errorCode ?? 'CALLBACK_FAILED' });
    };
    payload = {
      kind: 'json-records',
      records: (async function* () {
        for await (const r of ctx.undeliveredRows()) yield { key: r.lineNo, body: r.row };
      })(),
    };
  }
  let result: DeliveryResult;
  try {
    result = await send(props, payload, options);
  } catch (error) {
    // Only unusable properties end the delivery here; anything else (a mark not written) is the caller's to retry.
    if (!(error instanceof CallbackError)) throw error;
    return { ok: false, code: error.code, delivered: 0, failed: 0 };
  }
  if (result.ok) return { ok: true, delivered: result.delivered };
  const code = firstErrorCode ?? result.results.find((r) => !r.ok)?.errorCode ?? 'CALLBACK_FAILED';
  return { ok: false, code, delivered: result.delivered, failed: result.failed };
}
