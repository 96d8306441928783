import { createBatchWriter } from './batch-writer.js';

const busy = () => Object.assign(new Error('database is locked'), { code: 'STORE_BUSY' });

/** A write target that fails the calls whose numbers (1-based) are listed, and can hold a call open. */
function target(failing: number[] = []) {
  const written: number[][] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let hold: Promise<void> | undefined;
  const write = async (items: readonly number[]) => {
    const n = ++calls;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await hold;
      if (failing.includes(n)) throw busy();
      written.push([...items]);
    } finally {
      inFlight--;
    }
  };
  return {
    write,
    written,
    get calls() {
      return calls;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    holdUntil(p: Promise<void>) {
      hold = p;
    },
  };
}

// Jest fails a test on any unhandled rejection during it (a listener in a test file cannot see them: Jest runs the
// file with its own copy of `process`); test/timer-flush-process.test.ts checks with a real listener in a real process.
beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test('writes a full batch at once and the rest after maxDelayMs', async () => {
  const t = target();
  const writer = createBatchWriter({ write: t.write, maxItems: 3, maxDelayMs: 100 });
  for (const n of [1, 2, 3, 4]) await writer.add(n);
  expect(t.written).toEqual([[1, 2, 3]]);
  expect(writer.pending).toBe(1);
  await jest.advanceTimersByTimeAsync(99);
  expect(t.written).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(t.written).toEqual([[1, 2, 3], [4]]);
  await writer.close();
  expect(t.calls).toBe(2);
});

test('a failing timer flush loses nothing, crashes nothing, and the next flush writes the items', async () => {
  const t = target([1]);
  const errors: unknown[] = [];
  const writer = createBatchWriter({ write: t.write, maxItems: 10, maxDelayMs: 100, onBackgroundError: (e) => errors.push(e) });
  await writer.add(1);
  await writer.add(2);
  await jest.advanceTimersByTimeAsync(100);
  expect(t.calls).toBe(1);
  expect(errors).toEqual([expect.objectContaining({ code: 'STORE_BUSY' })]);
  expect(writer.lastError).toMatchObject({ code: 'STORE_BUSY' });
  expect(writer.pending).toBe(2);
  await writer.add(3);
  // The next timer flush retries what the failed one kept, in order.
  await jest.advanceTimersByTimeAsync(100);
  expect(t.written).toEqual([[1, 2, 3]]);
  expect(writer.lastError).toBeUndefined();
  await writer.close();
});

test('a failing full-batch flush is not retried on every add: the timer paces the retry', async () => {
  const t = target([1]);
  const writer = createBatchWriter({ write: t.write, maxItems: 2, maxDelayMs: 100 });
  await writer.add(1);
  await writer.add(2); // full: written at once, fails
  await writer.add(3);
  await writer.add(4);
  expect(t.calls).toBe(1);
  await jest.advanceTimersByTimeAsync(100);
  // Retried in batches of at most maxItems.
  expect(t.written).toEqual([[1, 2], [3, 4]]);
});

test('an explicit flush rejects with the error and keeps the items for the next one', async () => {
  const t = target([1]);
  const writer = createBatchWriter({ write: t.write, maxItems: 10, maxDelayMs: 100 });
  await writer.add(1);
  await expect(writer.flush()).rejects.toMatchObject({ code: 'STORE_BUSY' });
  expect(writer.pending).toBe(1);
  await writer.close();
  expect(t.written).toEqual([[1]]);
  expect(() => writer.add(2)).toThrow('closed');
});

test('never two writes at once: a flush waits for the one running and then writes what came meanwhile', async () => {
  const t = target();
  let release!: () => void;
  t.holdUntil(new Promise<void>((r) => (release = r)));
  const writer = createBatchWriter({ write: t.write, maxItems: 2, maxDelayMs: 100 });
  void writer.add(1);
  const full = writer.add(2); // starts a write that is held
  const third = writer.add(3); // resolves with the held write (the batch it joined)
  const flushed = writer.flush();
  await jest.advanceTimersByTimeAsync(500);
  expect(t.calls).toBe(1);
  release();
  await Promise.all([full, third, flushed]);
  expect(t.written).toEqual([[1, 2], [3]]);
  expect(t.maxInFlight).toBe(1);
});

test('maxItems must be at least 1', () => {
  expect(() => createBatchWriter({ write: async () => undefined, maxItems: 0, maxDelayMs: 1 })).toThrow(RangeError);
});
