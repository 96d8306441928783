import type { DeliveryOutcome, Store } from '@mts/store';
import { createDeliveryMarks } from './delivery-marks.js';

function fakeStore(fail = false) {
  const writes: DeliveryOutcome[][] = [];
  const state = { fail };
  const store = {
    async recordDeliveries(_id: string, outcomes: readonly DeliveryOutcome[]) {
      if (state.fail) throw Object.assign(new Error('database is locked'), { code: 'STORE_BUSY' });
      writes.push([...outcomes]);
      return { delivered: 0, failed: 0 };
    },
  } as unknown as Store;
  return { store, writes, state };
}

const ok = (lineNo: number) => ({ lineNo, ok: true });
const refused = (lineNo: number) => ({ lineNo, ok: false, errorCode: 'CALLBACK_HTTP_STATUS' });

test('writes every 10 outcomes, the rest on flush, and tallies the first failure', async () => {
  const { store, writes } = fakeStore();
  const marks = createDeliveryMarks(store, 'r');
  for (let k = 1; k <= 12; k++) await marks.add(k === 4 ? refused(k) : ok(k));
  expect(writes.map((w) => w.length)).toEqual([10]);
  expect(writes[0]![3]).toEqual({ lineNo: 4, ok: false, errorCode: 'CALLBACK_HTTP_STATUS' });
  await marks.flush();
  expect(writes.map((w) => w.length)).toEqual([10, 2]);
  expect(marks.tally).toEqual({ delivered: 11, failed: 1, firstErrorCode: 'CALLBACK_HTTP_STATUS' });
});

test('a few outcomes are written after 100 ms without waiting for more', async () => {
  const { store, writes } = fakeStore();
  const marks = createDeliveryMarks(store, 'r');
  await marks.add(ok(1));
  await marks.add(ok(2));
  expect(writes).toEqual([]);
  await new Promise((r) => setTimeout(r, 150));
  expect(writes).toEqual([[{ lineNo: 1, ok: true }, { lineNo: 2, ok: true }]]);
  await marks.flush();
  expect(writes).toHaveLength(1);
});

test('a failed write stops the sending (the next outcome throws) and is thrown from flush', async () => {
  const { store } = fakeStore(true);
  const marks = createDeliveryMarks(store, 'r');
  for (let k = 1; k <= 10; k++) await marks.add(ok(k));
  expect(() => marks.add(ok(11))).toThrow('database is locked');
  await expect(marks.flush()).rejects.toMatchObject({ code: 'STORE_BUSY' });
});

test('marks of a failed timer write are kept and written by flush once the store answers again', async () => {
  const { store, writes, state } = fakeStore(true);
  const marks = createDeliveryMarks(store, 'r');
  await marks.add(ok(1));
  await marks.add(refused(2));
  await new Promise((r) => setTimeout(r, 150));
  expect(() => marks.add(ok(3))).toThrow('database is locked');
  state.fail = false;
  await marks.flush();
  expect(writes).toEqual([[{ lineNo: 1, ok: true }, { lineNo: 2, ok: false, errorCode: 'CALLBACK_HTTP_STATUS' }]]);
});
