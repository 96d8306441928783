/** How a call failed before any answer came: the pulled sources map each to their own error code. */
export type TransportFailure = 'timeout' | 'cancelled' | 'outbound-denied' | 'network';

/** One HTTP call of a pulled source (ODK, Sheets, Form.io). */
export interface HttpCall {
  fetch: typeof fetch;
  url: string;
  init: RequestInit;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** An answer read whole: its status, headers and body text. */
export interface HttpAnswer {
  res: Response;
  text: string;
}

/**
 * Makes one call with a timeout (and the caller's signal), never following a redirect — one would carry a password,
 * a token or a key to wherever it points — and reads the body. A call that gets no answer throws what `fail` makes
 * of its {@link TransportFailure} (an outbound policy's refusal is told apart, as retrying it cannot help).
 */
export async function fetchText(call: HttpCall, fail: (failure: TransportFailure, error: unknown) => Error): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
  try {
    const res = await call.fetch(call.url, { ...call.init, signal, redirect: 'manual' });
    return { res, text: await res.text() };
  } catch (err) {
    if (timeout.aborted) throw fail('timeout', err);
    if (call.signal?.aborted) throw fail('cancelled', err);
    const e = err as { code?: unknown; cause?: { code?: unknown } };
    if (e?.code === 'OUTBOUND_DENIED' || e?.cause?.code === 'OUTBOUND_DENIED') throw fail('outbound-denied', err);
    throw fail('network', err);
  }
}
