// Restart in the middle of ingest and of processing: the worker resumes from the store's state without
// duplicating records, counts or IDA calls.
import { readFile, writeFile } from 'node:fs/promises';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { filesOf, openApiStore, people, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
beforeEach(async () => (dir = await createTempDir('resume-')));
afterEach(async () => {
  await api.close();
  await dir.remove();
});

test('an ingest that stopped after some batches resumes after the last stored line', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const input = people(70);
  const id = await submit(api, 'ndjson', input);
  // What a killed ingest leaves: phase 'ingesting' and the first 30 lines stored (NDJSON lines are 1-based).
  await api.beginIngest(id);
  await api.insertRecords(
    id,
    input.slice(0, 30).map((p, i) => ({ lineNo: i + 1, seq: i, chunk: Math.floor(i / 25), received: p, input: p })),
  );
  const fake = fakeAuthenticator();
  const worker = await startWorker(config, { authenticator: fake.auth });
  try {
    const done = await waitDone(api, id);
    // The 3 invalid people among the first 30 were stored as valid by the "crashed" run above: 4 invalid remain.
    expect(done.counts.total).toBe(70);
    expect(done.counts.invalid).toBe(4);
    expect(done.counts.processed + done.counts.error + done.counts.invalid).toBe(70);
    expect([...fake.calls.values()].every((n) => n === 1)).toBe(true);
    expect(fake.calls.size).toBe(66);
  } finally {
    await worker.stop();
  }
});

test('answers recorded before a stop are not sent again after a restart', async () => {
  const config = testConfig(dir.path, { MTS_IDA_CONCURRENCY: '2' });
  api = await openApiStore(config);
  const id = await submit(api, 'ndjson', people(120));
  const fake = fakeAuthenticator({ delayMs: 4 });
  let worker = await startWorker(config, { authenticator: fake.auth });
  for (;;) {
    const r = (await api.getRequest(id))!;
    if (r.counts.processed + r.counts.error >= 30) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  await worker.stop();
  const stoppedAt = (await api.getRequest(id))!;
  expect(stoppedAt.phase).toBe('processing');
  const answered: string[] = [];
  for await (const r of api.streamRecords(id)) if (r.output && r.status !== 'invalid') answered.push(r.output.vid!);
  const callsAtStop = new Map(fake.calls);

  worker = await startWorker(config, { authenticator: fake.auth });
  try {
    const done = await waitDone(api, id);
    expect(done.counts).toEqual({ total: 120, processed: 96, error: 12, invalid: 12 });
    for (const vid of answered) expect(fake.calls.get(vid)).toBe(callsAtStop.get(vid));
    expect([...fake.calls.values()].every((n) => n === 1)).toBe(true);
  } finally {
    await worker.stop();
  }
});

test('a tampered (truncated) input file ends the request processed_with_errors, naming STORE_FILE_TRUNCATED', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const id = await submit(api, 'ndjson', people(2000));
  const [inputPath] = await filesOf(dir.path, id);
  const bytes = await readFile(inputPath!);
  await writeFile(inputPath!, bytes.subarray(0, 25 + 4 + 65536 + 16));
  const worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  try {
    const done = await waitDone(api, id);
    expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'PARSER_SOURCE_ERROR:STORE_FILE_TRUNCATED' });
    expect(done.counts.total).toBeGreaterThan(0);
    expect(done.counts.total).toBeLessThan(2000);
  } finally {
    await worker.stop();
  }
});
