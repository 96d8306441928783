// The deliver job's output step when something fails: one record's outputFormat, or the store while the file is
// written. Real store (SQLite), a recording stand-in for Agenda, a fake authenticator; the jobs run directly.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import type { WorkerContext } from '../src/lib/context.js';
import { createFairDispatcher } from '../src/lib/fair-dispatcher.js';
import { runChunk } from '../src/lib/jobs/process-chunk.js';
import { runDeliver } from '../src/lib/jobs/deliver.js';
import { runIngest } from '../src/lib/jobs/ingest.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, readOutput, recordingContext, submit, testConfig, type Enqueued } from './helpers.js';

let dir: TempDir;
let store: Store;

beforeEach(async () => {
  dir = await createTempDir('deliver-output-');
  store = await openApiStore(testConfig(dir.path));
});
afterEach(async () => {
  await store.close();
  await dir.remove();
});

/** A request whose records all have their IDA answer, ready for the deliver job; its context runs on `over`. */
async function answered(records: Record<string, unknown>[], config: Record<string, unknown>, over: Store = store) {
  const enqueued: Enqueued[] = [];
  const workerConfig = testConfig(dir.path);
  const id = await submit(store, 'ndjson', records, config);
  const ctx: WorkerContext = {
    ...recordingContext(over, enqueued, workerConfig),
    authenticator: fakeAuthenticator().auth,
    dispatcher: createFairDispatcher({ maxInFlight: 4 }),
  };
  await runIngest(ctx, id);
  for (const chunk of new Set(enqueued.filter((e) => e.name === 'process-chunk').map((e) => e.data.chunk!))) {
    await runChunk(ctx, { requestId: id, chunk });
  }
  expect(await store.hasPending(id)).toBe(false);
  return { id, ctx };
}

describe('a record on whose data the outputFormat fails', () => {
  const outputFormat = '{vid: .output.vid, token: .output.token, status: .output.status, code: .output.errorCode, nextAge: (.input.age + 1)}';
  const records = () =>
    people(6).map((p, i) => ({ ...p, age: i === 3 ? 'n/a' : 30 + i }));

  test('gets an error row in the template shape; the other records keep theirs and the request ends processed_with_errors', async () => {
    const { id, ctx } = await answered(records(), { output: 'csv', outputFormat });
    await runDeliver(ctx, id);
    const done = (await store.getRequest(id))!;
    expect(done).toMatchObject({ phase: 'done', status: 'processed_with_errors', hasOutput: true });
    const lines = (await readOutput(store, done)).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'vid,token,status,code,nextAge',
      '4000000000,tok-4000000000,processed,,31',
      '4000000001,tok-4000000001,processed,,32',
      '4000000002,tok-4000000002,processed,,33',
      // The template over an empty input: `.input.age + 1` is `null + 1` there.
      '4000000003,,error,ATS-REQ-103,1',
      '4000000004,tok-4000000004,processed,,35',
      '4000000005,tok-4000000005,processed,,36',
    ]);
  });

  test('when the template fails even on an empty input, the row is the default error record', async () => {
    const strict = '{vid: .output.vid, token: .output.token, n: (.input.age | tonumber)}';
    const { id, ctx } = await answered(records(), { output: 'json', outputFormat: strict });
    await runDeliver(ctx, id);
    const done = (await store.getRequest(id))!;
    expect(done.status).toBe('processed_with_errors');
    const rows = JSON.parse(await readOutput(store, done)) as Record<string, unknown>[];
    expect(rows).toHaveLength(6);
    expect(rows[2]).toEqual({ vid: '4000000002', token: 'tok-4000000002', n: 32 });
    expect(rows[3]).toEqual({
      vid: '4000000003',
      status: 'error',
      token: null,
      errorCode: 'ATS-REQ-103',
      errorMessage: 'outputFormat failed on this record (JQ_RUNTIME)',
    });
  });
});

describe('a failure of the store while the output is written', () => {
  /** The store, except that writeOutput fails the first `times` calls with `error` after reading a little. */
  function storeFailingOutput(real: Store, error: Error, times = 1): Store {
    let calls = 0;
    return new Proxy(real, {
      get: (target, key) => {
        if (key === 'writeOutput') {
          return async (id: string, chunks: AsyncIterable<string>) => {
            if (calls++ < times) {
              for await (const _ of chunks) break;
              throw error;
            }
            return real.writeOutput(id, chunks);
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  test('a dropped database connection is thrown for the job to retry: nothing is erased, and the retry writes the output', async () => {
    const dropped = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const flaky = storeFailingOutput(store, dropped);
    const { id, ctx } = await answered(people(12), { output: 'csv' }, flaky);
    await expect(runDeliver(ctx, id)).rejects.toBe(dropped);
    const between = (await store.getRequest(id))!;
    expect(between).toMatchObject({ phase: 'delivering', hasOutput: false });
    expect(between.piiErasedAt).toBeNull();

    await runDeliver(ctx, id);
    const done = (await store.getRequest(id))!;
    expect(done).toMatchObject({ phase: 'done', status: 'processed_with_errors', hasOutput: true });
    const lines = (await readOutput(store, done)).trimEnd().split('\r\n');
    expect(lines).toHaveLength(13);
    expect(lines[1]).toBe('4000000000,processed,tok-4000000000,,');
  });

  test('a full disk still ends the request at once with MTS status error_creating_download_disk_space_error', async () => {
    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const { id, ctx } = await answered(people(4), { output: 'csv' }, storeFailingOutput(store, full));
    await runDeliver(ctx, id);
    const done = (await store.getRequest(id))!;
    expect(done).toMatchObject({ phase: 'done', status: 'error_creating_download_disk_space_error', hasOutput: false });
    expect(done.piiErasedAt).not.toBeNull();
  });
});
