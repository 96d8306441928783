/**
 * Capped exponential backoff with jitter: attempt n waits between half and all of min(cap, base·2ⁿ), or what
 * `Retry-After` asks (still capped). Jitter spreads retries of many parallel calls.
 *
 * @example
 * backoffDelay(2, { baseMs: 200, maxMs: 5000 }) // 400..800
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: () => number },
): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  const jittered = exp / 2 + (options.random ?? Math.random)() * (exp / 2);
  const wanted = Math.max(jittered, options.retryAfterMs ?? 0);
  return Math.round(Math.min(options.maxMs, wanted));
}

/** Reads `Retry-After` in seconds (the HTTP-date form is ignored). */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}
