import { createConcurrencyLimiter, limiterSample, type ConcurrencyLimiterOptions } from './concurrency-limiter.js';

// A fake clock and a driver that feeds `perWindow` samples per simulated round trip of `latencyMs`.
function setup(options: Partial<ConcurrencyLimiterOptions> = {}) {
  let t = 0;
  const limiter = createConcurrencyLimiter({ initial: 48, min: 8, max: 256, slackMs: 5, now: () => t, ...options });
  const trips = (n: number, latencyMs: number, sample: { overload?: boolean; saturated?: boolean } = {}) => {
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 10; k++) {
        t += latencyMs / 10;
        limiter.observe({ latencyMs, overload: sample.overload ?? false, saturated: sample.saturated ?? true });
      }
    }
  };
  return { limiter, trips, advance: (ms: number) => (t += ms) };
}

test('grows by about one per round trip while saturated and latency stays flat (slow start off)', () => {
  const { limiter, trips } = setup({ slowStartFactor: 1 });
  trips(40, 50);
  expect(limiter.limit).toBeGreaterThanOrEqual(48 + 30);
  expect(limiter.limit).toBeLessThanOrEqual(48 + 40);
  expect(limiter.baselineMs).toBe(50);
});

test('slow start: × 1.5 per flat, saturated round trip until latency rises, then one step back and one per round trip', () => {
  const { limiter, trips } = setup({ initial: 16 });
  trips(1, 50);
  expect(limiter.limit).toBe(16); // the first round trip only makes the baseline
  trips(1, 50);
  expect(limiter.limit).toBe(24);
  trips(2, 50);
  expect(limiter.limit).toBe(54); // 24 → 36 → 54
  trips(1, 90); // 90 > 50 × 1.5 + 5: queueing at IDA, so slow start ends here, back to the step before
  expect(limiter.limit).toBe(36);
  trips(1, 90); // still queueing: now it only holds
  expect(limiter.limit).toBe(36);
  trips(4, 50); // flat again: now additive
  expect(limiter.limit).toBeGreaterThanOrEqual(36 + 3);
  expect(limiter.limit).toBeLessThanOrEqual(36 + 4);
});

test('slow start ends at the first cut, and never passes max', () => {
  const { limiter, trips, advance } = setup({ initial: 16, max: 40 });
  trips(7, 50);
  expect(limiter.limit).toBe(40);
  advance(60);
  limiter.observe({ latencyMs: 50, overload: true, saturated: true });
  expect(limiter.limit).toBe(20);
  trips(3, 50);
  expect(limiter.limit).toBeLessThanOrEqual(20 + 3);
  expect(limiter.limit).toBeGreaterThan(20);
});

test('does not grow when the pipe is not full (the work, not the limit, is what is in flight)', () => {
  const { limiter, trips } = setup();
  trips(40, 50, { saturated: false });
  expect(limiter.limit).toBe(48);
});

test('does not grow while latency sits above the baseline, and cuts on a sharp rise', () => {
  const { limiter, trips } = setup();
  trips(5, 50);
  const grown = limiter.limit;
  trips(10, 90); // 90 > 50 × 1.5 + 5: queueing somewhere; slow start ends one step back, then it holds
  const held = Math.ceil(grown / 1.5);
  expect(limiter.limit).toBe(held);
  trips(2, 200); // > 50 × 3 + 5 for a whole window: a sharp rise
  expect(limiter.limit).toBe(Math.floor(held / 2));
});

test('after a cut, calls sent before it (the old limit\'s queue) neither cut again nor count against growth', () => {
  const { limiter, trips, advance } = setup({ initial: 64 });
  trips(3, 50);
  const before = limiter.limit;
  trips(1, 300); // sharp rise: cut once
  expect(limiter.limit).toBe(Math.floor(before / 2));
  // The calls queued under the old limit (all sent 200 ms before the cut) drain over the next 300 ms, slower and
  // slower: no further cut.
  for (let i = 1; i <= 30; i++) {
    advance(10);
    limiter.observe({ latencyMs: 200 + i * 10, overload: false, saturated: true });
  }
  limiter.observe({ latencyMs: 350, overload: true, saturated: true }); // a 429 for a call sent before the cut
  expect(limiter.limit).toBe(Math.floor(before / 2));
  trips(5, 50); // the new limit's own calls: flat again, so it grows
  expect(limiter.limit).toBeGreaterThan(Math.floor(before / 2));
});

test('halves on a 429 or 503 (overload), once per round-trip window however many arrive', () => {
  const { limiter, trips, advance } = setup({ initial: 100 });
  trips(2, 50, { saturated: false }); // learns the round trip
  for (let i = 0; i < 30; i++) {
    advance(1);
    limiter.observe({ latencyMs: 3, overload: true, saturated: true });
  }
  expect(limiter.limit).toBe(50);
  advance(60); // a round trip later the next overload counts again
  limiter.observe({ latencyMs: 3, overload: true, saturated: true });
  expect(limiter.limit).toBe(25);
});

test('never goes below min nor above max', () => {
  const { limiter, trips } = setup({ initial: 20, min: 8, max: 30 });
  trips(100, 50);
  expect(limiter.limit).toBe(30);
  trips(20, 50, { overload: true });
  expect(limiter.limit).toBe(8);
  expect(() => createConcurrencyLimiter({ initial: 5, min: 10, max: 4 })).toThrow(RangeError);
  expect(createConcurrencyLimiter({ initial: 500, min: 1, max: 64 }).limit).toBe(64);
});

test('the baseline follows a lasting change of latency after one to two spans', () => {
  const { limiter, trips } = setup({ baselineSpanMs: 1000, slowStartFactor: 1 });
  trips(10, 20);
  expect(limiter.baselineMs).toBe(20);
  trips(60, 60); // 3.6 s at a new, higher latency
  expect(limiter.baselineMs).toBe(60);
  const settled = limiter.limit;
  trips(10, 60);
  expect(limiter.limit).toBeGreaterThan(settled); // grows again against the new baseline
});

test('a few slow answers in a window (a stall of this process, not queueing at IDA) neither cut nor block growth', () => {
  const { limiter, trips, advance } = setup();
  trips(3, 50);
  const before = limiter.limit;
  for (let i = 0; i < 200; i++) {
    advance(6);
    limiter.observe({ latencyMs: i % 4 === 0 ? 50 : 400, overload: false, saturated: true });
  }
  expect(limiter.limit).toBeGreaterThan(before);
});

test('an attempt becomes a sample only when it tells something about IDA\'s load', () => {
  expect(limiterSample({ status: 200, latencyMs: 52 }, true)).toEqual({ latencyMs: 52, overload: false, saturated: true });
  expect(limiterSample({ status: 400, latencyMs: 40 }, false)).toEqual({ latencyMs: 40, overload: false, saturated: false });
  for (const status of [429, 503, 504]) expect(limiterSample({ status, latencyMs: 2 }, true)?.overload).toBe(true);
  expect(limiterSample({ status: undefined, latencyMs: 10_000, error: 'timeout' }, true)?.overload).toBe(true);
  // A refused connection or a 500 comes back at once: as a latency it would make the baseline zero.
  expect(limiterSample({ status: undefined, latencyMs: 0.4, error: 'network' }, true)).toBeUndefined();
  expect(limiterSample({ status: 500, latencyMs: 1 }, true)).toBeUndefined();
});
