import { authenticatorProbe, createIdaWatch, PROBE_INDIVIDUAL_ID } from './ida-watch.js';

/** A manual clock: timers fire only when the test advances it. */
function manualTimers() {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  return {
    setTimer(fn: () => void, ms: number) {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return { id, unref() {} };
    },
    clearTimer(handle: unknown) {
      timers.delete((handle as { id: number } | undefined)?.id ?? -1);
    },
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        // let the probe's promise settle before the next timer
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

test('probes once per interval while somebody waits, and wakes every waiter on the first answer', async () => {
  const clock = manualTimers();
  const answers = [false, false, true];
  let probes = 0;
  const watch = createIdaWatch({ probe: async () => answers[probes++] ?? true, intervalMs: 1000, ...clock });
  const a = watch.waitForRecovery(60_000);
  const b = watch.waitForRecovery(60_000);
  let settled = 0;
  void a.then(() => settled++);
  void b.then(() => settled++);
  await clock.advance(999);
  expect(probes).toBe(0);
  await clock.advance(1);
  expect(probes).toBe(1); // one probe for both waiters
  await clock.advance(1000);
  expect(probes).toBe(2);
  expect(settled).toBe(0);
  await clock.advance(1000);
  expect(probes).toBe(3);
  await expect(a).resolves.toBe(true);
  await expect(b).resolves.toBe(true);
  // Nobody waits: no more probes.
  await clock.advance(10_000);
  expect(probes).toBe(3);
  expect(clock.pending()).toBe(0);
});

test('a record answered elsewhere wakes the waiters without a probe', async () => {
  const clock = manualTimers();
  let probes = 0;
  const watch = createIdaWatch({ probe: async () => (probes++, false), intervalMs: 1000, ...clock });
  const waiting = watch.waitForRecovery(60_000);
  watch.answered();
  await expect(waiting).resolves.toBe(true);
  expect(probes).toBe(0);
});

test('a waiter gives up after its budget; close() wakes the rest with false and stops probing', async () => {
  const clock = manualTimers();
  let probes = 0;
  const watch = createIdaWatch({ probe: async () => (probes++, false), intervalMs: 1000, ...clock });
  const short = watch.waitForRecovery(2500);
  const long = watch.waitForRecovery(60_000);
  await clock.advance(2500);
  await expect(short).resolves.toBe(false);
  expect(probes).toBe(2);
  watch.close();
  await expect(long).resolves.toBe(false);
  await clock.advance(10_000);
  expect(probes).toBe(2);
  await expect(watch.waitForRecovery(1000)).resolves.toBe(false);
});

test('a probe that throws counts as down, not as a crash', async () => {
  const clock = manualTimers();
  let probes = 0;
  const watch = createIdaWatch({
    probe: async () => {
      if (probes++ === 0) throw new Error('boom');
      return true;
    },
    intervalMs: 100,
    ...clock,
  });
  const waiting = watch.waitForRecovery(60_000);
  await clock.advance(100);
  await clock.advance(100);
  await expect(waiting).resolves.toBe(true);
  expect(probes).toBe(2);
});

test('the authenticator probe: an IDA answer or a non-transport error is up, a retryable failure is down', async () => {
  const seen: string[] = [];
  const up = authenticatorProbe({
    authenticate: async (req) => {
      seen.push(req.individualId);
      return { authStatus: false, errors: [{ errorCode: 'IDA-MLC-009' }] };
    },
  });
  expect(await up()).toBe(true);
  expect(seen).toEqual([PROBE_INDIVIDUAL_ID]);
  const down = authenticatorProbe({ authenticate: async () => Promise.reject(Object.assign(new Error('x'), { retryable: true })) });
  expect(await down()).toBe(false);
  const broken = authenticatorProbe({ authenticate: async () => Promise.reject(Object.assign(new Error('x'), { retryable: false })) });
  expect(await broken()).toBe(true);
});
