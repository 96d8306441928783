// A finished request leaves no chunk jobs in the queue (each job is removed on completion, worker.ts's
// removeOnComplete): a million-record request has 5,000 of them, and the queue's table is read whole by every /metrics
// scrape and readiness probe.
import Database from 'better-sqlite3';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, submit, testConfig, waitFor } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker | undefined;

beforeEach(async () => {
  dir = await createTempDir('finished-jobs-');
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await api?.close();
  await dir.remove();
});

test('once a request is done its chunk jobs are gone from the queue', async () => {
  const config = testConfig(dir.path, { MTS_CHUNK_SIZE: '5' });
  if (config.queue.backend !== 'sqlite') throw new Error('this test reads the SQLite queue');
  api = await openApiStore(config);
  // Each call takes 100 ms, so the chunk jobs exist for a few of the 50 ms polls below (with instant answers the
  // whole request could end between two polls, and the test saw nothing).
  const fake = fakeAuthenticator({ delayMs: 100 });
  worker = await startWorker(config, { authenticator: fake.auth });
  const queue = new Database(config.queue.path, { readonly: true });
  const t = config.queue.tableName;
  const chunkJobs = (requestId: string) =>
    (queue.prepare(`SELECT COUNT(*) AS n FROM "${t}" WHERE name = 'process-chunk' AND json_extract(data, '$.requestId') = ?`).get(requestId) as { n: number }).n;
  try {
    const id = await submit(api, 'ndjson', people(30));
    // Seen while it is processed: its chunks are jobs (six chunks of five records).
    const seen = { most: 0 };
    await waitFor(async () => {
      seen.most = Math.max(seen.most, chunkJobs(id));
      return (await api.getRequest(id))?.phase === 'done';
    });
    expect(seen.most).toBeGreaterThan(0);
    expect((await api.getRequest(id))!.counts).toMatchObject({ total: 30, processed: 24 });
    expect(chunkJobs(id)).toBe(0);
  } finally {
    queue.close();
  }
});
