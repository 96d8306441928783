/**
 * An abort signal for one call: aborted when `signal` is, or after `ms` with a `TimeoutError`. `done()` (in a
 * `finally`) clears it. A timer held here, not `AbortSignal.timeout()` inside `AbortSignal.any()`: on Node 20 `any`
 * holds its sources weakly, so a timeout signal made inline can be garbage-collected and never fire.
 */
export function deadline(ms: number, signal: AbortSignal): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out', 'TimeoutError')), ms);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}
