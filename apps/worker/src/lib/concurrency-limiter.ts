/** One HTTP attempt at IDA as the limiter sees it. */
export interface LimiterSample {
  /** How long the attempt took, request sent to answer read (or to the failure). */
  latencyMs: number;
  /** IDA said it is overloaded: HTTP 429 or 503, or the attempt timed out. */
  overload: boolean;
  /** Every slot was taken when the attempt ended (the limit, not the work, held calls back). */
  saturated: boolean;
  /**
   * Calls in flight when the attempt ended, this one included. A probe counts only calls sent once this fell to `min`:
   * a call taken before the probe but sent after it (it waited to be signed) still queues behind the old limit's calls.
   * Without it a probe counts every call sent after it began.
   */
  inFlight?: number;
}

/**
 * The limiter's sample for one HTTP attempt the authenticator reported (its `onAttempt`), or undefined when the attempt
 * says nothing about IDA's load: a refused connection or a server error other than 503/504 comes back at once, and
 * its latency (no round trip through IDA) would drag the baseline to zero. Overload: 429, 503, 504 (a gateway in front
 * of IDA) or a timeout.
 *
 * @example
 * ```ts
 * const sample = limiterSample({ status: 429, latencyMs: 3 }, true); // { latencyMs: 3, overload: true, saturated: true }
 * if (sample) limiter.observe(sample);
 * ```
 */
export function limiterSample(
  report: { status: number | undefined; latencyMs: number; error?: 'timeout' | 'network' },
  saturated: boolean,
  inFlight?: number,
): LimiterSample | undefined {
  const { status, latencyMs, error } = report;
  const overload = status === 429 || status === 503 || status === 504 || error === 'timeout';
  if (!overload && (status === undefined || status >= 500)) return undefined;
  return { latencyMs, overload, saturated, inFlight };
}

/** Bounds and tuning of {@link createConcurrencyLimiter}; everything but the bounds has a default. */
export interface ConcurrencyLimiterOptions {
  initial: number;
  min: number;
  max: number;
  /**
   * Latency counts as flat while a window's least latency is within `baseline × tolerance + slackMs`. Default 1.5: a seeder
   * wants throughput, so a little queueing at IDA (which keeps it busy) is fine.
   */
  tolerance?: number;
  /** A window's least latency above `baseline × riseRatio + slackMs` is a sharp rise: decrease as on a 429. Default 3. */
  riseRatio?: number;
  /**
   * Absolute slack for the two ratios. Default 50: a latency measured by the caller includes its own queueing (event
   * loop, signing pool), which on a busy host reaches tens of ms with IDA's unchanged; with 5 ms, a sandbox at 0 ms
   * latency on the same two cores drove the limit from 48 to 12–13 in some runs and cost a fifth of the throughput
   * (bench:seed --latency 0).
   */
  slackMs?: number;
  /** Multiplier on a decrease. Default 0.5. */
  decreaseFactor?: number;
  /**
   * Start as TCP does: until the first window whose latency is not flat (or the first cut), a saturated, flat window
   * multiplies the limit by this instead of adding one, and that first window that is not flat divides it once (the
   * step that built the queue). Default 1.5 (48 → 162 in four round trips, the first of which sets the baseline); 1
   * turns it off.
   * Without it, at 50 ms from IDA the climb from 48 to the ~100 a 2-core worker keeps busy took 4 s of a 10 s request.
   */
  slowStartFactor?: number;
  /** The baseline is the least latency seen in the last one or two spans of this length. Default 30000. */
  baselineSpanMs?: number;
  /** A window lasts one mean round trip, never less than this. Default 20. */
  minWindowMs?: number;
  /**
   * Re-measure the baseline (as TCP BBR's ProbeRTT does) when no call has come back as fast as it for this long while
   * the limit was what held the work back. A probe that finds the baseline less than a fifth too high doubles the wait
   * for the next (up to 8 ×); one that finds it higher than that resets it. Default 10000; 0 turns probes off.
   * Under lasting load the least latency seen is never IDA's unloaded one: at 0 ms from IDA it stayed at the 30–40 ms
   * of a co-located sandbox's queue (its first calls found it cold, the rest found it busy), which let the limit climb
   * to 150–240 where 48 gave the same rate, and the extra calls in flight cost the worker's GC a tenth of its CPU.
   */
  probeIntervalMs?: number;
  /**
   * The first probe comes sooner, this long after the baseline was last seen (at most `probeIntervalMs`): the first
   * calls set the baseline, and they often find IDA cold or still busy with another worker's calls. Default 2000.
   */
  firstProbeAfterMs?: number;
  /**
   * How long a probe waits for the calls in flight to fall to `min`, and then for its calls to come back: at least this,
   * or four mean round trips. A probe that times out keeps the old baseline unless some of its calls came back.
   * Default 5000.
   */
  probeTimeoutMs?: number;
  /** Clock in ms (tests inject one). Default `performance.now`. */
  now?: () => number;
}

/** An AIMD concurrency limit fed with per-attempt samples. */
export interface ConcurrencyLimiter {
  /** The current limit, an integer in [min, max]. */
  readonly limit: number;
  /** The limit outside a probe: what it returns to when the probe ends (what a metric should show). */
  readonly steadyLimit: number;
  /** A probe is on: the limit is `min` until the calls sent under it have re-measured the baseline. */
  readonly probing: boolean;
  /** The latency the limit is judged against (least recent latency), or undefined before the first sample. */
  readonly baselineMs: number | undefined;
  observe(sample: LimiterSample): void;
}

/**
 * Creates an AIMD limiter. Samples are grouped in windows of about one round trip. At a window's end the limit
 * grows by one if the window was saturated and its least latency stayed near the baseline (the least recent latency);
 * above that it holds. Until the first such hold or cut it grows by `slowStartFactor` instead (slow start), and that
 * first hold takes the last step back. An overload sample or a sharp latency rise cuts it (× decreaseFactor) at once —
 * at most once per window, and never for a call sent before the last cut, so one burst of 429s (or the queue the old
 * limit built) does not collapse it to `min`. It never leaves [min, max].
 *
 * The baseline is kept honest by probes. When the limit has been holding work back and no call has come back as fast
 * as the baseline for `probeIntervalMs` (an idle spell, or a window the limit did not hold back, restarts that clock),
 * the limit drops to `min`. Once the calls in flight have fallen to `min`, the next `min` calls sent (one round trip's
 * worth, queued behind no old call) measure IDA alone: their least latency becomes the baseline, and the limit returns
 * to what it was, to be judged against it by the usual rules (calls sent during the probe do not count there). A
 * probe that found the baseline about right doubles the wait for the next, up to 8 ×. The drain and the probe's round
 * trip each get `probeTimeoutMs` or four mean round trips; a probe that times out keeps the old baseline unless some
 * of its calls came back. Pure: no timers, clock injected.
 *
 * @example
 * ```ts
 * const limiter = createConcurrencyLimiter({ initial: 48, min: 8, max: 256 });
 * limiter.observe({ latencyMs: 52, overload: false, saturated: true });
 * dispatcher.setMaxInFlight(limiter.limit);
 * ```
 */
export function createConcurrencyLimiter(options: ConcurrencyLimiterOptions): ConcurrencyLimiter {
  const { min, max } = options;
  if (!(Number.isInteger(min) && Number.isInteger(max) && min >= 1 && min <= max)) throw new RangeError('limiter: need integers 1 ≤ min ≤ max');
  const tolerance = options.tolerance ?? 1.5;
  const riseRatio = options.riseRatio ?? 3;
  const slackMs = options.slackMs ?? 50;
  const factor = options.decreaseFactor ?? 0.5;
  const startFactor = options.slowStartFactor ?? 1.5;
  const span = options.baselineSpanMs ?? 30_000;
  const minWindowMs = options.minWindowMs ?? 20;
  const probeInterval = options.probeIntervalMs ?? 10_000;
  const probeTimeout = options.probeTimeoutMs ?? 5_000;
  // The wait before the next probe: short for the first, doubled after a probe that found the baseline right.
  let probeAfter = Math.min(options.firstProbeAfterMs ?? 2_000, probeInterval);
  const now = options.now ?? (() => performance.now());

  let limit = clamp(Math.round(options.initial));
  // Two buckets: the baseline follows a lasting change of IDA's latency within one to two spans.
  let minNow = Infinity;
  let minBefore = Infinity;
  let spanStart = now();
  let smoothed: number | undefined;
  // The samples of the current round trip, from `start`.
  const freshWindow = (start: number) => ({ start, count: 0, least: Infinity, saturated: 0 });
  let window = freshWindow(now());
  let lastDecrease = -Infinity;
  let slowStart = startFactor > 1;
  // The first window made the baseline (its calls found IDA idle, even when the initial limit is already too many for
  // it): it cannot tell whether the latency is flat, so it grows nothing.
  let first = true;
  // Since when calls have waited for a slot without one coming back as fast as the baseline (the probe's clock).
  let baselineSeenAt = now();
  let lastSampleAt = now();
  // The last probe's end: calls sent before it (under `min`) say nothing about the limit it returned to.
  let probeEnd = -Infinity;
  // `from`: calls sent from then on count (the probe's start, or when the calls in flight fell to `min`).
  let probe:
    | { start: number; from: number; drained: boolean; steady: number; base: number; count: number; least: number }
    | undefined;

  function clamp(n: number): number {
    return Math.min(max, Math.max(min, n));
  }
  const baseline = () => Math.min(minNow, minBefore);
  const windowMs = () => Math.max(minWindowMs, smoothed ?? 0);

  // An attempt sent before the last cut says nothing about the new limit: its queueing (or its 429) was caused by
  // the old one. Without this, the calls still in flight after a cut would cut again, down to `min`.
  const sentBeforeCut = (t: number, latencyMs: number) => t - latencyMs <= lastDecrease;

  function startProbe(t: number): void {
    probe = { start: t, from: t, drained: false, steady: limit, base: baseline(), count: 0, least: Infinity };
    limit = min;
  }

  // The probe's calls (sent after it began) found IDA without the old limit's queue: their least is the baseline.
  function observeProbe(t: number, latencyMs: number, overload: boolean, inFlight: number | undefined): void {
    const p = probe!;
    const sentInProbe = t - latencyMs >= p.from;
    if (overload) {
      // Overloaded even at `min`: IDA is in trouble, so the probe ends in a cut of the limit it would return to.
      if (!sentInProbe) return;
      probe = undefined;
      limit = p.steady;
      return decrease(t);
    }
    if (!p.drained && inFlight !== undefined) {
      // Only calls sent once the old limit's calls have drained to `min` are the probe's (with the calls in flight
      // unknown, every call sent after the probe began is).
      if (inFlight <= min) p.drained = true;
      p.from = t;
    } else {
      p.drained = true;
      if (sentInProbe) {
        p.count++;
        p.least = Math.min(p.least, latencyMs);
      }
    }
    // Each phase (the drain, then the probe's own round trip) gets its own time: IDA's calls may take seconds.
    const phaseStart = p.drained ? p.from : p.start;
    if (p.count < min && t - phaseStart < Math.max(probeTimeout, 4 * (smoothed ?? 0))) return;
    probe = undefined;
    limit = p.steady;
    window = freshWindow(t);
    baselineSeenAt = probeEnd = t;
    if (p.count > 0) {
      minNow = minBefore = p.least;
      spanStart = t;
    }
    // A probe that found the baseline about right was not needed yet: wait twice as long for the next.
    const informative = p.least < p.base * 0.8;
    probeAfter = informative ? probeInterval : Math.min(Math.max(probeAfter, probeInterval) * 2, probeInterval * 8);
  }

  function decrease(t: number): void {
    if (t - lastDecrease < windowMs()) return;
    lastDecrease = t;
    slowStart = false;
    limit = clamp(Math.floor(limit * factor));
    // Samples of calls sent under the old limit say nothing about the new one.
    window = freshWindow(t);
  }

  return {
    get limit() {
      return limit;
    },
    get steadyLimit() {
      return probe ? probe.steady : limit;
    },
    get probing() {
      return probe !== undefined;
    },
    get baselineMs() {
      const b = baseline();
      return Number.isFinite(b) ? b : undefined;
    },
    observe({ latencyMs, overload, saturated, inFlight }) {
      const t = now();
      if (t - spanStart >= span) {
        minBefore = minNow;
        minNow = Infinity;
        spanStart = t;
      }
      if (!(latencyMs >= 0)) return;
      // After an idle spell (no answer for four round trips) the window and the probe's clock start again.
      const idle = t - lastSampleAt > 4 * windowMs();
      lastSampleAt = t;
      if (idle) window = freshWindow(t);
      if (probe) return observeProbe(t, latencyMs, overload, inFlight);
      if (overload) return sentBeforeCut(t, latencyMs) ? undefined : decrease(t);
      if (idle || latencyMs <= baseline()) baselineSeenAt = t;
      minNow = Math.min(minNow, latencyMs);
      smoothed = smoothed === undefined ? latencyMs : smoothed + (latencyMs - smoothed) / 8;
      if (sentBeforeCut(t, latencyMs) || t - latencyMs <= probeEnd) return;
      window.count++;
      window.least = Math.min(window.least, latencyMs);
      if (saturated) window.saturated++;
      if (t - window.start < windowMs()) return;
      // The window's least latency, as TCP Vegas judges a round: queueing at IDA delays every call, a stall of this
      // process (GC, a busy machine) only some, so one slow answer neither blocks growth nor cuts the limit.
      const least = window.least;
      const base = baseline();
      // Most of the window's calls found every slot taken: the limit was what held the work back.
      const full = window.saturated * 2 >= window.count;
      window = freshWindow(t);
      if (first) {
        first = false;
        return;
      }
      if (least > base * riseRatio + slackMs) return decrease(t);
      // A window the limit did not hold back restarts the probe's clock: the work, not the limit, set the latency.
      if (!full) baselineSeenAt = t;
      else if (probeInterval > 0 && limit > min && t - baselineSeenAt >= probeAfter) return startProbe(t);
      if (least > base * tolerance + slackMs) {
        // The queue shows a window or two late (its calls were mostly sent under the limit before): slow start ends
        // one step back, at the last limit whose calls came back flat.
        if (slowStart) limit = clamp(Math.ceil(limit / startFactor));
        slowStart = false;
      } else if (full) limit = clamp(slowStart ? Math.ceil(limit * startFactor) : limit + 1);
    },
  };
}
