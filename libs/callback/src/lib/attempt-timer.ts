/** The abort signal of one call, and the clock behind its timeout. */
export interface AttemptTimer {
  /** Aborted by the outer signal (with its reason) or, with a `TimeoutError`, when the clock runs out. */
  readonly signal: AbortSignal;
  /** Progress was made: the full timeout starts again. */
  restart(): void;
  /** The call is over: clears the clock and lets go of the outer signal. Call it in a `finally`. */
  dispose(): void;
}

/**
 * A timeout of `ms` joined with an outer abort signal, for one call. It is a plain timer that this object holds,
 * not `AbortSignal.timeout()` inside `AbortSignal.any()`: on Node 20 `any` holds its sources weakly, so an inline
 * timeout signal can be garbage-collected and never fire, and a peer that never answers then blocks for ever.
 *
 * @example
 * ```ts
 * const timer = startAttemptTimer(10_000, options.signal);
 * try { await fetch(url, { signal: timer.signal }); } finally { timer.dispose(); }
 * ```
 */
export function startAttemptTimer(ms: number, outer?: AbortSignal): AttemptTimer {
  const controller = new AbortController();
  const expire = () => controller.abort(new DOMException('The operation timed out', 'TimeoutError'));
  const onOuterAbort = () => controller.abort(outer?.reason);
  let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(expire, ms);
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    restart() {
      if (timer === undefined || controller.signal.aborted) return;
      clearTimeout(timer);
      timer = setTimeout(expire, ms);
    },
    dispose() {
      clearTimeout(timer);
      timer = undefined;
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

const PIECE = 64 * 1024;

/**
 * Hands `stream` to fetch a piece at a time, restarting `timer` each time fetch takes one and when the body ends.
 * So the timeout bounds each wait for the receiver (to connect, to take the next piece, to answer once all is
 * sent), as a connect/read timeout does, but not a large upload that keeps moving.
 */
export function pacedBody(stream: ReadableStream<Uint8Array>, timer: AttemptTimer): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let rest: Uint8Array | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // fetch asks for more only once the previous piece is written (and the socket drained): that is progress.
        timer.restart();
        if (!rest) {
          const { value, done } = await reader.read();
          timer.restart();
          if (done) return controller.close();
          rest = value;
        }
        // Large chunks go in pieces, so one big chunk is not one long unwatched write.
        controller.enqueue(rest.subarray(0, PIECE));
        rest = rest.byteLength > PIECE ? rest.subarray(PIECE) : null;
      },
      cancel: (reason) => reader.cancel(reason),
    },
    // No read-ahead: pull runs only when fetch wants the next piece.
    { highWaterMark: 0 },
  );
}
