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
  // `n` calls `stepMs` apart, each `latencyMs` late.
  const feed = (n: number, stepMs: number, latencyMs: number) => {
    for (let i = 0; i < n; i++) {
      t += stepMs;
      limiter.observe({ latencyMs, overload: false, saturated: true });
    }
  };
  return { limiter, trips, feed, advance: (ms: number) => (t += ms) };
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

// Calls at a queue that never drains, a call every 5 ms: `latencyAt(limit)` says how late a call comes back under the
// limit it was sent with. `first`, when given, is the first call's latency (it met a cold or busier IDA).
function queued(options: Partial<ConcurrencyLimiterOptions>, latencyAt: (limit: number) => number, first?: number) {
  const s = setup({ slowStartFactor: 1, ...options });
  if (first !== undefined) s.limiter.observe({ latencyMs: first, overload: false, saturated: true });
  const step = () => {
    s.advance(5);
    s.limiter.observe({ latencyMs: latencyAt(s.limiter.limit), overload: false, saturated: true });
  };
  const run = (ms: number) => {
    for (let done = 0; done < ms; done += 5) step();
  };
  /** Runs until a probe begins; returns how long that took. */
  const untilProbe = (maxMs: number) => {
    for (let done = 0; done < maxMs; done += 5) {
      if (s.limiter.probing) return done;
      step();
    }
    throw new Error(`no probe in ${maxMs} ms`);
  };
  return { ...s, run, untilProbe };
}

test('under lasting queueing a probe drops the limit to min, re-measures the baseline and returns to the limit it left', () => {
  // IDA answers in 3 ms; a call sent under a limit above min waits 57 ms more in a queue that never drains. The first
  // call met a shorter queue (43 ms), so the baseline is 43, and no call comes back within 10 % of it.
  const { limiter, run, untilProbe, advance } = queued({ probeIntervalMs: 1000, slackMs: 50 }, (limit) => (limit > 8 ? 60 : 3), 43);
  run(900);
  expect(limiter.baselineMs).toBe(43); // the queue's latency passes for IDA's
  expect(limiter.probing).toBe(false);
  const grown = limiter.limit;
  expect(grown).toBeGreaterThan(48);
  expect(untilProbe(300)).toBeLessThanOrEqual(200);
  const before = limiter.steadyLimit;
  expect(before).toBeGreaterThanOrEqual(grown);
  expect(limiter.limit).toBe(8);
  expect(limiter.steadyLimit).toBe(before);
  // The old limit's calls still come back late: they are not the probe's and change nothing.
  advance(5);
  limiter.observe({ latencyMs: 60, overload: false, saturated: true });
  expect(limiter.probing).toBe(true);
  // min calls sent after the probe began come back at IDA's own latency.
  for (let i = 0; i < 8; i++) {
    expect(limiter.probing).toBe(true);
    advance(1);
    limiter.observe({ latencyMs: 0.5, overload: false, saturated: true });
  }
  expect(limiter.probing).toBe(false);
  expect(limiter.baselineMs).toBe(0.5);
  expect(limiter.limit).toBe(before);
  // The probe's last calls, sent before it ended, come back over the next 100 ms: they say nothing about the limit
  // it returned to, so they neither grow it nor cut it.
  for (let k = 1; k <= 100; k++) {
    advance(1);
    limiter.observe({ latencyMs: k + 1, overload: false, saturated: true });
  }
  expect(limiter.limit).toBe(before);
});

test('against an honest baseline, a queue that the limit builds is cut back (no probe: the limit climbs past it)', () => {
  // A queue that grows with the limit: 1 ms per call in flight beyond 20.
  const latencyAt = (limit: number) => 3 + Math.max(0, limit - 20);
  const probed = queued({ initial: 150, probeIntervalMs: 2000, slackMs: 50 }, latencyAt);
  const unprobed = queued({ initial: 150, probeIntervalMs: 0, slackMs: 50 }, latencyAt);
  probed.run(20_000);
  unprobed.run(20_000);
  // Without probes the baseline stays the 133 ms the first calls met, and the limit climbs on.
  expect(unprobed.limiter.baselineMs).toBe(133);
  expect(unprobed.limiter.limit).toBeGreaterThan(150);
  // With them it is IDA's 3 ms, and the limit holds where the queue stays within 3 × 1.5 + 50 ms.
  expect(probed.limiter.baselineMs).toBeLessThan(10);
  expect(probed.limiter.steadyLimit).toBeLessThan(80);
  expect(probed.limiter.steadyLimit).toBeGreaterThanOrEqual(8);
});

test('no probe while calls keep coming back as fast as the baseline, nor while the work does not fill the limit', () => {
  // Every call comes back in the least latency seen: IDA's own, no queue.
  const near = queued({ probeIntervalMs: 500 }, () => 50);
  near.run(5000);
  expect(near.limiter.probing).toBe(false);
  expect(near.limiter.limit).toBeGreaterThan(48);

  // Calls come back later than the baseline (5 against 3: flat, as 3 × 1.5 + 5 allows) but the limit holds nothing back.
  const { limiter, advance } = setup({ probeIntervalMs: 500, slowStartFactor: 1 });
  limiter.observe({ latencyMs: 3, overload: false, saturated: false });
  for (let i = 0; i < 1000; i++) {
    advance(5);
    limiter.observe({ latencyMs: 5, overload: false, saturated: false });
  }
  expect(limiter.probing).toBe(false);
  expect(limiter.limit).toBe(48);
});

test('a probe that collects nothing gives up after probeTimeoutMs and keeps the old baseline', () => {
  const { limiter, untilProbe, feed, advance } = queued({ probeIntervalMs: 1000, probeTimeoutMs: 3000, slackMs: 50 }, () => 60, 43);
  untilProbe(1500);
  const steady = limiter.steadyLimit;
  feed(59, 50, 10_000); // only the old limit's calls come back (all sent long before the probe), for 3 s
  expect(limiter.probing).toBe(true);
  advance(60);
  limiter.observe({ latencyMs: 10_000, overload: false, saturated: true });
  expect(limiter.probing).toBe(false);
  expect(limiter.limit).toBe(steady);
  expect(limiter.baselineMs).toBe(43);
});

test('an overload during a probe ends it in a cut, but only for a call the probe sent', () => {
  const { limiter, untilProbe, advance } = queued({ probeIntervalMs: 1000, slackMs: 50 }, () => 60, 43);
  untilProbe(1500);
  const steady = limiter.steadyLimit;
  advance(5);
  limiter.observe({ latencyMs: 40, overload: true, saturated: true }); // sent before the probe: the old limit's
  expect(limiter.probing).toBe(true);
  advance(5);
  limiter.observe({ latencyMs: 2, overload: true, saturated: true }); // the probe's own: IDA is overloaded at min
  expect(limiter.probing).toBe(false);
  expect(limiter.limit).toBe(Math.floor(steady / 2));
});

test('with calls in flight reported, a probe waits for them to fall to min before counting calls', () => {
  const { limiter, untilProbe, advance } = queued({ probeIntervalMs: 1000, slackMs: 50 }, () => 60, 43);
  untilProbe(1500);
  const steady = limiter.steadyLimit;
  const sample = (latencyMs: number, inFlight: number) => {
    advance(2);
    limiter.observe({ latencyMs, overload: false, saturated: true, inFlight });
  };
  // Calls taken before the probe, signed and sent after it began, still queue behind the old ones: not the probe's.
  for (let inFlight = steady; inFlight > 8; inFlight -= 10) sample(1, inFlight);
  expect(limiter.probing).toBe(true);
  sample(30, 8); // in flight fell to min: from now on calls meet IDA alone
  for (let i = 0; i < 7; i++) sample(1.5, 8);
  expect(limiter.probing).toBe(true);
  sample(1.5, 8);
  expect(limiter.probing).toBe(false);
  expect(limiter.baselineMs).toBe(1.5);
  expect(limiter.limit).toBe(steady);
});

test('an idle spell, or a spell of work that did not fill the limit, does not count towards a probe', () => {
  const { limiter, advance } = queued({ probeIntervalMs: 1000, slackMs: 50 }, () => 60, 43);
  let probes = 0;
  const run = (ms: number, saturated = true) => {
    for (let done = 0; done < ms; done += 5) {
      advance(5);
      const was = limiter.probing;
      limiter.observe({ latencyMs: 60, overload: false, saturated });
      if (limiter.probing && !was) probes++;
    }
  };
  run(500);
  advance(15_000); // no work
  run(900); // back under load, but for less than the probe's wait
  run(2000, false); // calls that found a free slot
  run(900);
  expect(probes).toBe(0);
  run(200); // a whole second of full windows: now it probes
  expect(probes).toBe(1);
});

test('a probe gives the drain and its own round trip their own time, however long IDA takes', () => {
  // IDA takes 1.6 s a call and 200 calls are in flight, queued deep; they drain to min in 5 s, and the probe's own
  // calls come back 2.5 s later: 7.5 s in all, more than probeTimeoutMs and four round trips (6.4 s), but each phase
  // takes less.
  const { limiter, advance } = setup({ initial: 200, max: 256, slowStartFactor: 1, probeIntervalMs: 10_000, firstProbeAfterMs: 10_000 });
  limiter.observe({ latencyMs: 1500, overload: false, saturated: true, inFlight: 200 });
  for (let i = 0; i < 1000 && !limiter.probing; i++) {
    advance(40);
    limiter.observe({ latencyMs: 1600 + (i % 7) * 10, overload: false, saturated: true, inFlight: 200 });
  }
  expect(limiter.probing).toBe(true);
  const steady = limiter.steadyLimit;
  for (let inFlight = 199; inFlight > 8; inFlight--) {
    advance(26); // 191 calls drain over 5 s
    limiter.observe({ latencyMs: 1600, overload: false, saturated: true, inFlight });
  }
  expect(limiter.probing).toBe(true);
  limiter.observe({ latencyMs: 1600, overload: false, saturated: true, inFlight: 8 }); // drained
  advance(2500);
  for (let i = 0; i < 8; i++) {
    expect(limiter.probing).toBe(true); // no time-out after the drain: the probe's own round trip has its own time
    limiter.observe({ latencyMs: 1400 - i, overload: false, saturated: true, inFlight: 8 });
  }
  expect(limiter.probing).toBe(false);
  expect(limiter.baselineMs).toBe(1393);
  expect(limiter.limit).toBe(steady);
});

test('a probe that finds the baseline right makes the next one wait twice as long (up to 8 ×)', () => {
  // The queue never drains below min's latency, so every probe finds the baseline it had: 43 ms.
  const { limiter, advance } = queued({ probeIntervalMs: 1000, slackMs: 50 }, () => 60, 43);
  const starts: number[] = [];
  let t = 0;
  let was = false;
  for (; t < 40_000; t += 5) {
    advance(5);
    limiter.observe({ latencyMs: limiter.probing ? 43 : 60, overload: false, saturated: true });
    if (limiter.probing && !was) starts.push(t);
    was = limiter.probing;
  }
  const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
  // 1 s (the first), then 2, 4, 8 and 8 s: each probe found 43 again.
  expect(gaps.length).toBeGreaterThanOrEqual(4);
  expect(gaps.length).toBeLessThanOrEqual(6);
  for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]! * 0.9);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(8_000 + 500);
});

test('a window that rose sharply is cut even when a probe is due', () => {
  const { limiter, run, feed } = queued({ probeIntervalMs: 1000, slackMs: 50 }, () => 60, 43);
  run(600);
  const before = limiter.limit;
  // From 0.6 s calls take 400 ms (> 43 × 3 + 50); the first window made only of them closes after the probe is due.
  feed(100, 5, 400);
  expect(limiter.probing).toBe(false);
  expect(limiter.limit).toBeLessThanOrEqual(Math.floor((before + 1) / 2));
});
