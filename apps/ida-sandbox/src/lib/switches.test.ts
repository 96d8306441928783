import { createSlots } from './switches.js';

test('slots: at most limit() holders, the rest served in arrival order; a raised limit is taken up on recheck', async () => {
  let limit = 2;
  const slots = createSlots(() => limit);
  const order: number[] = [];
  const held = [0, 1, 2, 3, 4].map((i) => slots.acquire().then(() => void order.push(i)));
  await Promise.resolve();
  expect(slots.busy).toBe(2);
  expect(slots.waiting).toBe(3);
  slots.release();
  await Promise.resolve();
  expect(slots.busy).toBe(2);
  expect(slots.waiting).toBe(2);
  limit = 0; // no limit: everyone waiting goes at once
  slots.recheck();
  await Promise.all(held);
  expect(order).toEqual([0, 1, 2, 3, 4]);
  expect(slots.busy).toBe(4);
});
