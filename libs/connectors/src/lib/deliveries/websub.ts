import { websubDelivery as envelope } from '@mts/envelope';
import { deliverWebsub, WebsubError, type PublishDeliveryResult, type PublishOptions, type PublishPayload, type PublishResult } from '@mts/websub';
import type { Delivery, DeliveryContext, DeliveryOutcome } from '../delivery.js';

const TUNABLE = ['fetch', 'attempts', 'backoffBaseMs', 'backoffMaxMs', 'maxConsecutiveFailures', 'sleep', 'random'] as const;

/**
 * `deliverytype: websub` (integrations §4) over `@mts/websub`: registers the topic (unless `register: false`), then
 * publishes each undelivered record as its own JSON message, or the whole output once with `callInBulk` (csv output
 * requires it, ATS-REQ-079). A publish counts only when the hub accepts it; a denial fails with the hub's reason.
 * Per record, each outcome is marked, so a re-run publishes only what the hub has not accepted yet.
 *
 * @example
 * ```ts
 * const delivery = createWebsubDelivery(); // or with a stand-in publisher in tests
 * const outcome = await delivery.deliver!(ctx); // ctx.options: { fetch, attempts, backoffBaseMs, ... }
 * ```
 */
export function createWebsubDelivery(send: typeof deliverWebsub = deliverWebsub): Delivery {
  return {
    deliverytype: 'websub',
    envelope,
    failureStatus: 'error_making_websub_request',
    deliver: (ctx) => deliverByWebsub(send, ctx),
  };
}

/** The WebSub delivery with the real client. */
export const websubDelivery: Delivery = createWebsubDelivery();

// A bulk publish carries the stored output as it is; records (json and ndjson alike) go one message each otherwise.
const BULK_CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', json: 'application/json', ndjson: 'application/x-ndjson' } as const;

async function deliverByWebsub(send: typeof deliverWebsub, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const { config } = ctx;
  const props = config.websubProperties;
  if (!props) return { ok: false, code: 'WEBSUB_INVALID_PROPERTIES', delivered: 0, failed: 0 };
  // Only the transport and retry settings the worker (or a test) passes; the marks are the delivery's own.
  const options: PublishOptions = {};
  for (const key of TUNABLE) if (ctx.options?.[key] !== undefined) (options as Record<string, unknown>)[key] = ctx.options[key];
  if (ctx.signal) options.signal = ctx.signal;
  let firstFailure: PublishResult | undefined;
  let payload: PublishPayload;
  if (props.callInBulk || config.output === 'csv') {
    // Opened again for each attempt, so a retry re-reads the stored output.
    const body = () =>
      (async function* () {
        yield* await ctx.openOutput();
      })();
    payload = { kind: 'bulk', contentType: BULK_CONTENT_TYPES[config.output], body };
  } else {
    options.keepResults = false;
    options.onResult = (r) => {
      if (!r.ok) firstFailure ??= r;
      return ctx.mark(r.ok ? { lineNo: Number(r.key), ok: true } : { lineNo: Number(r.key), ok: false, errorCode: r.errorCode ?? 'WEBSUB_FAILED' });
    };
    payload = {
      kind: 'records',
      records: (async function* () {
        for await (const r of ctx.undeliveredRows()) yield { key: r.lineNo, body: r.row };
      })(),
    };
  }
  let result: PublishDeliveryResult;
  try {
    result = await send(props, payload, options);
  } catch (error) {
    // Only unusable properties end the delivery here; anything else (a mark not written) is the caller's to retry.
    if (!(error instanceof WebsubError)) throw error;
    return { ok: false, code: error.code, delivered: 0, failed: 0 };
  }
  if (result.ok) return { ok: true, delivered: result.delivered };
  const failure = firstFailure ?? result.results.find((r) => !r.ok);
  return { ok: false, code: failureCode(failure), delivered: result.delivered, failed: result.failed };
}

/** The code the request keeps: a denial carries the hub's reason (printable, short) so the caller can read it. */
function failureCode(failure: PublishResult | undefined): string {
  const code = failure?.errorCode ?? 'WEBSUB_FAILED';
  const reason = failure?.reason?.replace(/[^\x20-\x7e]/g, ' ').trim().slice(0, 120);
  return reason ? `${code}: ${reason}` : code;
}
