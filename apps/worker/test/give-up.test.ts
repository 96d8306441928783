// giveUp and runOrGiveUp over a real store, with an Agenda that only records what is enqueued.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import type { NewRecord, Store } from '@mts/store';
import type { Agenda } from 'agenda';
import type { WorkerContext } from '../src/lib/context.js';
import { giveUp, runOrGiveUp } from '../src/lib/jobs/give-up.js';
import { createLogger } from '../src/lib/logger.js';
import { retryBackoff } from '../src/lib/queue.js';
import { filesOf, openApiStore, recordingContext, sql, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;

beforeEach(async () => {
  dir = await createTempDir('give-up-');
  store = await openApiStore(testConfig(dir.path));
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

const decryptFailed = Object.assign(new Error('a sealed value failed authentication'), { name: 'StoreError', code: 'STORE_DECRYPT_FAILED' });

/** A request the worker has ingested `n` records of (chunks of 25, as the test config), in the given phase. */
async function stored(n: number, phase: 'ingesting' | 'processing', config: { deliverytype?: 'download' | 'callback' } = {}) {
  const id = await submit(store, 'ndjson', '{}\n', config);
  const records: NewRecord[] = Array.from({ length: n }, (_, k) => ({
    lineNo: k + 1,
    seq: k,
    chunk: Math.floor(k / 25),
    received: undefined,
    input: { vid: String(5100000000 + k) },
  }));
  await store.insertRecords(id, records);
  await store.beginIngest(id);
  if (phase === 'processing') await store.endIngest(id, { chunkCount: Math.ceil(n / 25) });
  return id;
}

async function answerChunk(id: string, chunk: number) {
  const pending = await store.pendingRecords(id, chunk);
  await store.recordAnswers(id, pending.map((r) => ({ lineNo: r.lineNo, ok: true as const, vid: null, token: `t${r.seq}` })));
}

function context(enqueued: Enqueued[], env: Record<string, string> = {}): WorkerContext {
  return { ...recordingContext(store, enqueued, testConfig(dir.path, env)), log: createLogger({ silent: true }) };
}

const jobs = (enqueued: Enqueued[]) => enqueued.map((e) => (e.data.chunk === undefined ? e.name : `${e.name}#${e.data.chunk}`));

describe('process-chunk', () => {
  test("the chunk's pending records end as ATS-REQ-100, counted once, and the last chunk enqueues deliver", async () => {
    const id = await stored(60, 'processing');
    await answerChunk(id, 0);
    await answerChunk(id, 2);
    const enqueued: Enqueued[] = [];

    const job = { name: 'process-chunk', data: { requestId: id, chunk: 1 } };
    expect(await giveUp(context(enqueued), job, decryptFailed)).toEqual({ outcome: 'records-failed', failed: 25 });
    const req = (await store.getRequest(id))!;
    expect(req.counts).toEqual({ total: 60, processed: 35, error: 25, invalid: 0 });
    expect(req).toMatchObject({ phase: 'processing', status: 'processing', lastError: 'process-chunk:STORE_DECRYPT_FAILED' });
    expect(jobs(enqueued)).toEqual(['deliver']);

    // The handler may run twice: nothing more is failed or counted.
    expect(await giveUp(context(enqueued), job, decryptFailed)).toEqual({ outcome: 'records-failed', failed: 0 });
    expect((await store.getRequest(id))!.counts).toEqual(req.counts);
    const rows = [];
    for await (const r of store.streamRecords(id)) rows.push(r);
    expect(rows[30]!.output).toEqual({
      vid: '5100000030',
      status: 'error',
      token: null,
      errorCode: 'ATS-REQ-100',
      errorMessage: 'internal error: STORE_DECRYPT_FAILED',
    });
  });

  test('a given-up chunk starts chunk + K as a finished one does, and leaves the others alone', async () => {
    const id = await stored(60, 'processing');
    const enqueued: Enqueued[] = [];
    await giveUp(context(enqueued, { MTS_CHUNKS_IN_FLIGHT_PER_REQUEST: '1' }), { name: 'process-chunk', data: { requestId: id, chunk: 0 } }, decryptFailed);
    expect(jobs(enqueued)).toEqual(['process-chunk#1']);
    expect([await store.countPending(id, 0), await store.countPending(id, 1), await store.countPending(id, 2)]).toEqual([0, 25, 10]);
  });

  test('a worker killed between failing the records and enqueuing: the re-run enqueues, counts stay exact', async () => {
    const id = await stored(30, 'processing');
    await answerChunk(id, 1);
    const enqueued: Enqueued[] = [];
    const ctx = context(enqueued);
    const real = ctx.agenda;
    let killed = false;
    ctx.agenda = {
      create: (name: string, data: object) => {
        const job = real.create(name, data);
        return {
          unique: () => ({
            save: async () => {
              if (!killed) {
                killed = true;
                throw new Error('worker killed');
              }
              return job.unique({}).save();
            },
          }),
        };
      },
    } as unknown as Agenda;
    const job = { name: 'process-chunk', data: { requestId: id, chunk: 0 } };
    await expect(giveUp(ctx, job, decryptFailed)).rejects.toThrow('worker killed');
    expect(await giveUp(ctx, job, decryptFailed)).toEqual({ outcome: 'records-failed', failed: 0 });
    expect(jobs(enqueued)).toEqual(['deliver']);
    expect((await store.getRequest(id))!.counts).toEqual({ total: 30, processed: 5, error: 25, invalid: 0 });
  });

  test('a request already delivered or gone is left alone', async () => {
    const id = await stored(10, 'processing');
    await store.finish(id);
    const enqueued: Enqueued[] = [];
    const job = (requestId: string) => ({ name: 'process-chunk', data: { requestId, chunk: 0 } });
    expect(await giveUp(context(enqueued), job(id), decryptFailed)).toEqual({ outcome: 'nothing-to-do' });
    expect(await giveUp(context(enqueued), job(store.newRequestId()), decryptFailed)).toEqual({ outcome: 'nothing-to-do' });
    expect(await store.countPending(id)).toBe(10);
    expect(enqueued).toEqual([]);
  });
});

describe('ingest', () => {
  test('the input ends where it stopped: processing with the stored chunks, which are scheduled', async () => {
    const id = await stored(30, 'ingesting');
    const enqueued: Enqueued[] = [];
    const job = { name: 'ingest', data: { requestId: id } };
    expect(await giveUp(context(enqueued), job, decryptFailed)).toEqual({ outcome: 'input-ended', chunkCount: 2 });
    expect(await store.getRequest(id)).toMatchObject({ phase: 'processing', status: 'processing', chunkCount: 2, lastError: 'ingest:STORE_DECRYPT_FAILED' });
    expect(jobs(enqueued)).toEqual(['process-chunk#0', 'process-chunk#1']);
    // Again (or after a crash before the jobs were saved): the same jobs, nothing else changes.
    expect(await giveUp(context(enqueued), job, decryptFailed)).toEqual({ outcome: 'input-ended', chunkCount: 2 });
    expect(await store.getRequest(id)).toMatchObject({ phase: 'processing', chunkCount: 2, counts: { total: 30, processed: 0, error: 0, invalid: 0 } });
  });

  test('a request that stored nothing goes straight to delivery, an empty output', async () => {
    const id = await submit(store, 'ndjson', '{}\n');
    const enqueued: Enqueued[] = [];
    await giveUp(context(enqueued), { name: 'ingest', data: { requestId: id } }, new TypeError('x is undefined'));
    expect(await store.getRequest(id)).toMatchObject({ phase: 'processing', status: 'processing', chunkCount: 0, lastError: 'ingest:TypeError' });
    expect(jobs(enqueued)).toEqual(['deliver']);
  });
});

describe('deliver', () => {
  test('no output: done with the matching error_creating_download_* status, PII erased, a stray output removed', async () => {
    const id = await stored(30, 'processing', { deliverytype: 'callback' });
    await answerChunk(id, 0);
    // Delivering although records are pending: a state the store's transitions never make, set by hand.
    sql(dir.path, `UPDATE requests SET phase = 'delivering' WHERE id = ?`, id);
    const stray = join(dir.path, 'files', `${id}.output.json.enc`);
    await writeFile(`${stray}.part`, 'sealed bytes');
    const job = { name: 'deliver', data: { requestId: id } };

    expect(await giveUp(context([]), job, decryptFailed)).toEqual({ outcome: 'request-ended', status: 'error_creating_download_unknown_exception' });
    const req = (await store.getRequest(id))!;
    expect(req).toMatchObject({
      phase: 'done',
      status: 'error_creating_download_unknown_exception',
      deliveryState: 'failed',
      hasOutput: false,
      lastError: 'deliver:STORE_DECRYPT_FAILED',
      // Records left pending would never be answered now: they end as errors, so the counts add up.
      counts: { total: 30, processed: 25, error: 5, invalid: 0 },
    });
    expect(req.finishedAt).toBeInstanceOf(Date);
    expect(req.piiErasedAt).toBeInstanceOf(Date);
    expect(await store.getRequestConfig(id)).toBeNull();
    expect(await filesOf(dir.path, id)).toEqual([]);

    // Again: already done, nothing changes.
    expect(await giveUp(context([]), job, decryptFailed)).toEqual({ outcome: 'nothing-to-do' });
    expect((await store.getRequest(id))!.finishedAt).toEqual(req.finishedAt);
    // Done requests expire by the clean-up policy.
    expect(await store.cleanup({ expirySeconds: 60, now: new Date(Date.now() + 61_000) })).toMatchObject({ requests: 1 });
  });

  test('a full disk maps to error_creating_download_disk_space_error', async () => {
    const id = await stored(5, 'processing');
    const enospc = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    expect(await giveUp(context([]), { name: 'deliver', data: { requestId: id } }, enospc)).toEqual({
      outcome: 'request-ended',
      status: 'error_creating_download_disk_space_error',
    });
  });

  test('an output already written stays downloadable; a callback not sent is error_making_callback_request', async () => {
    const download = await stored(5, 'processing');
    const callback = await stored(5, 'processing', { deliverytype: 'callback' });
    for (const id of [download, callback]) {
      await answerChunk(id, 0);
      await store.beginDelivery(id);
      await store.writeOutput(id, ['[]']);
      await store.outputWritten(id, 'processed');
      await giveUp(context([]), { name: 'deliver', data: { requestId: id } }, decryptFailed);
    }
    expect(await store.getRequest(download)).toMatchObject({ phase: 'done', status: 'processed', deliveryState: 'none', lastError: 'deliver:STORE_DECRYPT_FAILED' });
    expect(await store.getRequest(callback)).toMatchObject({ phase: 'done', status: 'error_making_callback_request', deliveryState: 'failed' });
  });
});

describe('runOrGiveUp', () => {
  const backoff = retryBackoff(1, 1, 5);
  const failing = (error: unknown) => () => Promise.reject(error);

  test('gives up only on the last attempt of a request job, and then the attempt ends without error', async () => {
    const id = await stored(25, 'processing');
    const job = (attempt: number, name = 'process-chunk') => ({ name, data: { requestId: id, chunk: 0 }, attempt });
    await expect(runOrGiveUp(context([]), job(5), backoff, failing(decryptFailed))).rejects.toBe(decryptFailed);
    const idaDown = Object.assign(new Error('IDA down'), { code: 'AUT_BAS_001', retryable: true });
    await expect(runOrGiveUp(context([]), job(99), backoff, failing(idaDown))).rejects.toBe(idaDown);
    await expect(runOrGiveUp(context([]), job(6, 'cleanup'), backoff, failing(decryptFailed))).rejects.toBe(decryptFailed);
    expect(await store.countPending(id)).toBe(25);

    await expect(runOrGiveUp(context([]), job(6), backoff, failing(decryptFailed))).resolves.toBeUndefined();
    expect(await store.countPending(id)).toBe(0);
  });

  test('after a long IDA outage a job still gets its full allowance of unexpected failures', async () => {
    const id = await stored(25, 'processing');
    // Attempt 40 after 39 retryable failures: the first unexpected one is not the last.
    const after = (unexpectedFailures: number) => ({ name: 'process-chunk', data: { requestId: id, chunk: 0, unexpectedFailures }, attempt: 40 });
    await expect(runOrGiveUp(context([]), after(1), backoff, failing(decryptFailed))).rejects.toBe(decryptFailed);
    await expect(runOrGiveUp(context([]), after(5), backoff, failing(decryptFailed))).rejects.toBe(decryptFailed);
    expect(await store.countPending(id)).toBe(25);
    await expect(runOrGiveUp(context([]), after(6), backoff, failing(decryptFailed))).resolves.toBeUndefined();
    expect(await store.countPending(id)).toBe(0);
  });

  test('when giving up fails too, the job fails with its own error (for Agenda and the exhausted handler)', async () => {
    const id = await stored(25, 'processing');
    const ctx = context([]);
    ctx.store = { ...store, getRequest: () => Promise.reject(new Error('database closed')) } as Store;
    const job = { name: 'process-chunk', data: { requestId: id, chunk: 0 }, attempt: 6 };
    await expect(runOrGiveUp(ctx, job, backoff, failing(decryptFailed))).rejects.toBe(decryptFailed);
  });
});
