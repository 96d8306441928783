// When chunk jobs are enqueued: during ingest (pipelined with reading the input), after each chunk, and in the
// sweep at the end of ingest. Real store, a recording stand-in for Agenda, so every decision is observable.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import type { WorkerContext } from '../src/lib/context.js';
import { onChunkFinished, scheduleRemaining } from '../src/lib/jobs/chunk-schedule.js';
import { runIngest } from '../src/lib/jobs/ingest.js';
import { openApiStore, people, recordingContext, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;
let enqueued: Enqueued[];

const context = (extra: Record<string, string> = {}): WorkerContext =>
  recordingContext(store, enqueued, testConfig(dir.path, { MTS_CHUNK_SIZE: '25', MTS_CHUNKS_IN_FLIGHT_PER_REQUEST: '4', ...extra }));

const chunksEnqueued = (phase?: string) =>
  enqueued.filter((e) => e.name === 'process-chunk' && (!phase || e.phaseThen === phase)).map((e) => e.data.chunk);

beforeEach(async () => {
  dir = await createTempDir('chunk-schedule-');
  store = await openApiStore(testConfig(dir.path));
  enqueued = [];
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

test('the first K chunks are enqueued while ingest is still reading, and only those', async () => {
  const ctx = context();
  const id = await submit(store, 'ndjson', people(1000)); // 40 chunks of 25
  await runIngest(ctx, id);
  // The first insert batch (500 rows) completes chunks 0..18; K = 4 of them may start, before ingest ends.
  expect(chunksEnqueued('ingesting')).toEqual([0, 1, 2, 3]);
  // Nothing else is due: chunks 4.. wait for their predecessor by K. The sweep repeats 0..3 (idempotent in Agenda).
  expect(new Set(chunksEnqueued())).toEqual(new Set([0, 1, 2, 3]));
  expect(enqueued.some((e) => e.name === 'deliver')).toBe(false);
  expect((await store.getRequest(id))!).toMatchObject({ phase: 'processing', chunkCount: 40 });
});

test('a finished chunk starts chunk + K once it is stored; the last one starts delivery', async () => {
  const ctx = context();
  const id = await submit(store, 'ndjson', people(200)); // 8 chunks
  await runIngest(ctx, id);
  enqueued.length = 0;
  const answerChunk = async (chunk: number) => {
    const pending = await store.pendingRecords(id, chunk);
    await store.recordAnswers(id, pending.map((p) => ({ lineNo: p.lineNo, ok: true as const, vid: 'v', token: 't' })));
    await onChunkFinished(ctx, id, chunk);
  };
  await answerChunk(0);
  expect(chunksEnqueued()).toEqual([4]);
  for (const c of [1, 2, 3, 4, 5, 6]) await answerChunk(c);
  // 8 + 4 and beyond do not exist; no delivery while chunk 7 is pending.
  expect(chunksEnqueued()).toEqual([4, 5, 6, 7]);
  expect(enqueued.some((e) => e.name === 'deliver')).toBe(false);
  await answerChunk(7);
  expect(enqueued.filter((e) => e.name === 'deliver')).toHaveLength(1);
});

test('during ingest a finished chunk starts chunk + K only if a later chunk already has rows', async () => {
  const ctx = context();
  const id = await submit(store, 'ndjson', people(200));
  await store.beginIngest(id);
  const rows = people(130).map((p, i) => ({ lineNo: i + 1, seq: i, chunk: Math.floor(i / 25), received: p, input: p }));
  await store.insertRecords(id, rows); // chunks 0..5, chunk 5 still filling
  await onChunkFinished(ctx, id, 0); // chunk 4 is complete (chunk 5 has rows)
  await onChunkFinished(ctx, id, 1); // chunk 5 may still grow
  expect(chunksEnqueued()).toEqual([4]);
});

test('the sweep starts the lowest waiting chunk of each chain and delivers when nothing waits', async () => {
  const ctx = context();
  const id = await submit(store, 'ndjson', people(400)); // 16 chunks
  await runIngest(ctx, id);
  // Answer everything but chunks 5, 6, 9 and 13: 5 and 6 are due (1 and 2 are done); 9 and 13 wait behind 5 and 9.
  for (let c = 0; c < 16; c++) {
    if ([5, 6, 9, 13].includes(c)) continue;
    const pending = await store.pendingRecords(id, c);
    await store.recordAnswers(id, pending.map((p) => ({ lineNo: p.lineNo, ok: true as const, vid: 'v', token: 't' })));
  }
  enqueued.length = 0;
  await scheduleRemaining(ctx, id);
  expect(chunksEnqueued()).toEqual([5, 6]);

  for (const c of [5, 6, 9, 13]) {
    const pending = await store.pendingRecords(id, c);
    await store.recordAnswers(id, pending.map((p) => ({ lineNo: p.lineNo, ok: true as const, vid: 'v', token: 't' })));
  }
  enqueued.length = 0;
  await scheduleRemaining(ctx, id);
  expect(enqueued.map((e) => e.name)).toEqual(['deliver']);
});
