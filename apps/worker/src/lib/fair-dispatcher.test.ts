import { createFairDispatcher } from './fair-dispatcher.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('never runs more than maxInFlight tasks at once', async () => {
  const d = createFairDispatcher({ maxInFlight: 3 });
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setImmediate(r));
    running--;
  };
  await Promise.all(Array.from({ length: 20 }, (_, i) => d.submit(`k${i % 2}`, task)));
  expect(peak).toBe(3);
  expect(d.inFlight).toBe(0);
});

test('a small request queued behind a big one is served in turn, not after it', async () => {
  const d = createFairDispatcher({ maxInFlight: 1 });
  const order: string[] = [];
  const gate = deferred();
  const first = d.submit('big', async () => {
    await gate.promise;
    order.push('big');
  });
  const big = Array.from({ length: 5 }, () => d.submit('big', async () => void order.push('big')));
  const small = Array.from({ length: 2 }, () => d.submit('small', async () => void order.push('small')));
  expect(d.queued('big')).toBe(5);
  gate.resolve();
  await Promise.all([first, ...big, ...small]);
  expect(order).toEqual(['big', 'big', 'small', 'big', 'small', 'big', 'big', 'big']);
});

test('a failing task rejects its own promise and frees its slot', async () => {
  const d = createFairDispatcher({ maxInFlight: 1 });
  const failed = d.submit('a', async () => {
    throw new Error('boom');
  });
  const ok = d.submit('a', async () => 42);
  await expect(failed).rejects.toThrow('boom');
  await expect(ok).resolves.toBe(42);
});

test('a raised cap starts queued tasks at once; a lowered one lets running tasks finish and holds the rest', async () => {
  const d = createFairDispatcher({ maxInFlight: 2 });
  const gates = Array.from({ length: 8 }, () => deferred());
  let running = 0;
  const all = gates.map((g, i) =>
    d.submit(`k${i % 2}`, async () => {
      running++;
      await g.promise;
      running--;
    }),
  );
  expect(running).toBe(2);
  d.setMaxInFlight(5);
  expect(d.maxInFlight).toBe(5);
  expect(running).toBe(5);
  d.setMaxInFlight(1);
  expect(running).toBe(5); // nothing is cancelled
  for (const g of gates.slice(0, 5)) g.resolve();
  await new Promise((r) => setImmediate(r));
  expect(running).toBe(1); // the five finished; only one more started under the new cap
  expect(d.queued()).toBe(2);
  for (const g of gates.slice(5)) g.resolve();
  await Promise.all(all);
  expect(d.inFlight).toBe(0);
});
