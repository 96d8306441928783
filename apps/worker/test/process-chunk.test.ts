// The chunk job when the store fails a background write of answers: nothing crashes, and no answer is lost.
// Real store (SQLite), a recording stand-in for Agenda, an authenticator whose second answer waits for the failure.
import { createTempDir, type TempDir } from '@mts/testing';
import type { RecordAnswer, Store } from '@mts/store';
import type { AuthenticatorLike, WorkerContext } from '../src/lib/context.js';
import { createFairDispatcher } from '../src/lib/fair-dispatcher.js';
import { runChunk } from '../src/lib/jobs/process-chunk.js';
import { runIngest } from '../src/lib/jobs/ingest.js';
import { openApiStore, people, recordingContext, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;

beforeEach(async () => {
  dir = await createTempDir('process-chunk-');
  store = await openApiStore(testConfig(dir.path));
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

/** The store, except that its first recordAnswers call fails as SQLite does under contention. */
function storeFailingFirstWrite(real: Store) {
  const writes: { size: number; ok: boolean }[] = [];
  let failed!: () => void;
  const firstWriteFailed = new Promise<void>((r) => (failed = r));
  const recordAnswers = async (id: string, answers: readonly RecordAnswer[]) => {
    if (writes.length === 0) {
      writes.push({ size: answers.length, ok: false });
      failed();
      throw Object.assign(new Error('database is locked'), { code: 'STORE_BUSY', retryable: true });
    }
    writes.push({ size: answers.length, ok: true });
    return real.recordAnswers(id, answers);
  };
  const flaky = new Proxy(real, {
    get: (target, key) => {
      if (key === 'recordAnswers') return recordAnswers;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: flaky, writes, firstWriteFailed };
}

test('a store failure during a timer write keeps the answer: it reaches the store with the next write', async () => {
  const enqueued: Enqueued[] = [];
  const config = testConfig(dir.path, { MTS_CHUNK_SIZE: '25' });
  const [first, second] = people(2);
  const id = await submit(store, 'ndjson', [first!, second!]);
  await runIngest(recordingContext(store, enqueued, config), id);

  const flaky = storeFailingFirstWrite(store);
  // The first answer comes at once and waits for the 100 ms timer (the batch holds 25); the second comes only after
  // that timer's write has failed, so the job is still running when it fails.
  const authenticator: AuthenticatorLike = {
    async authenticate(req) {
      if (req.individualId === second!.vid) await flaky.firstWriteFailed;
      return { authStatus: true, authToken: `tok-${req.individualId}`, errors: [] };
    },
    async close() {},
  };
  const ctx: WorkerContext = {
    ...recordingContext(flaky.store, enqueued, config),
    authenticator,
    dispatcher: createFairDispatcher({ maxInFlight: 4 }),
  };

  // Jest fails this test if the failed write is left as an unhandled rejection.
  await expect(runChunk(ctx, { requestId: id, chunk: 0 })).resolves.toEqual({ recorded: 2, transient: 0 });
  expect(flaky.writes).toEqual([
    { size: 1, ok: false },
    { size: 2, ok: true },
  ]);
  const tokens: Record<string, string | null | undefined> = {};
  for await (const r of store.streamRecords(id)) tokens[r.output!.vid!] = r.output!.token;
  expect(tokens).toEqual({ [String(first!.vid)]: `tok-${first!.vid}`, [String(second!.vid)]: `tok-${second!.vid}` });
  expect((await store.getRequest(id))!.counts).toMatchObject({ processed: 2 });
  expect(enqueued.filter((e) => e.name === 'deliver')).toHaveLength(1);
});
