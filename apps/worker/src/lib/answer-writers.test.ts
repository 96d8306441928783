import type { RecordAnswer } from '@mts/store';
import { createAnswerWriters } from './answer-writers.js';

const answer = (lineNo: number): RecordAnswer => ({ lineNo, vid: `v${lineNo}`, ok: true, token: `t${lineNo}` });

/**
 * Writers over a store that records each write (request id and line numbers) and fails the writes it is told to.
 * Batches are flushed by size (`maxItems`, default 100) or by release; the timer only where a test sets it short.
 */
function setup(options: { maxItems?: number; maxDelayMs?: number; onBackgroundError?: (e: unknown) => void } = {}) {
  const writes: { requestId: string; lines: number[] }[] = [];
  let failNext = 0;
  const store = {
    async recordAnswers(requestId: string, batch: readonly RecordAnswer[]) {
      if (failNext > 0) {
        failNext--;
        throw Object.assign(new Error('database is locked'), { code: 'STORE_BUSY' });
      }
      writes.push({ requestId, lines: batch.map((a) => a.lineNo) });
      return { recorded: batch.length };
    },
  };
  const writers = createAnswerWriters({ store, maxItems: 100, maxDelayMs: 10_000, ...options });
  return { writes, writers, failWrites: (n: number) => void (failNext = n) };
}

test("one request's chunks share a writer: their answers go in the same batches", async () => {
  const s = setup({ maxItems: 4 });
  const writers = s.writers;
  const a = writers.lease('r1');
  const b = writers.lease('r1');
  expect(writers.open).toBe(1);
  await a.add(answer(1));
  await b.add(answer(201));
  await a.add(answer(2));
  await b.add(answer(202)); // the fourth answer of r1 fills a batch
  expect(s.writes).toEqual([{ requestId: 'r1', lines: [1, 201, 2, 202] }]);
});

test('different requests get different writers, each writing only its own answers', async () => {
  const s = setup();
  const writers = s.writers;
  const a = writers.lease('r1');
  const b = writers.lease('r2');
  expect(writers.open).toBe(2);
  await a.add(answer(1));
  await b.add(answer(7));
  await a.release();
  await b.release();
  expect(s.writes).toEqual([
    { requestId: 'r1', lines: [1] },
    { requestId: 'r2', lines: [7] },
  ]);
  expect(writers.open).toBe(0);
});

test("a release writes everything queued; only the last holder's closes the writer, and a later lease gets a new one", async () => {
  const s = setup();
  const writers = s.writers;
  const a = writers.lease('r1');
  const b = writers.lease('r1');
  await a.add(answer(1));
  await b.add(answer(201));
  await a.release();
  expect(s.writes).toEqual([{ requestId: 'r1', lines: [1, 201] }]);
  expect(writers.open).toBe(1);
  await b.add(answer(202)); // b still holds an open writer
  await b.release();
  expect(s.writes).toEqual([
    { requestId: 'r1', lines: [1, 201] },
    { requestId: 'r1', lines: [202] },
  ]);
  expect(writers.open).toBe(0);
  const c = writers.lease('r1');
  expect(writers.open).toBe(1);
  await c.add(answer(3));
  await c.release();
  expect(s.writes.at(-1)).toEqual({ requestId: 'r1', lines: [3] });
  await expect(c.release()).rejects.toThrow('released twice');
  expect(() => c.add(answer(4))).toThrow('already released');
});

test("a failed write keeps the answers: the failing chunk's release rejects, and its sibling's release writes them", async () => {
  const background: unknown[] = [];
  const s = setup({ onBackgroundError: (e) => background.push(e) });
  const writers = s.writers;
  const a = writers.lease('r1');
  const b = writers.lease('r1');
  await a.add(answer(1));
  s.failWrites(1);
  await expect(a.release()).rejects.toMatchObject({ code: 'STORE_BUSY' });
  expect(s.writes).toEqual([]);
  await b.add(answer(201));
  await b.release();
  expect(s.writes).toEqual([{ requestId: 'r1', lines: [1, 201] }]);
  expect(background).toEqual([]);
});

test('answers are written after maxDelayMs without a full batch', async () => {
  const s = setup({ maxDelayMs: 20 });
  const writers = s.writers;
  const a = writers.lease('r1');
  await a.add(answer(1));
  for (let i = 0; i < 100 && s.writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(s.writes).toEqual([{ requestId: 'r1', lines: [1] }]);
  await a.release();
});
