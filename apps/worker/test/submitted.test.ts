// RunningWorker.submitted: an API in the same process hands a stored request over at once instead of waiting for
// the worker's next poll of the store.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(60_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker;

beforeEach(async () => {
  dir = await createTempDir('submitted-');
  // A poll far longer than the test: only the hand-off can start the request.
  const config = testConfig(dir.path, { MTS_INTAKE_INTERVAL_MS: '600000' });
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
});
afterEach(async () => {
  await worker.stop();
  await api.close();
  await dir.remove();
});

test('a request handed over with submitted() is processed without waiting for the poll', async () => {
  const id = await submit(api, 'ndjson', people(40));
  await new Promise((r) => setTimeout(r, 300));
  expect((await api.getRequest(id))!.phase).toBe('new');
  await worker.submitted(id);
  await worker.submitted(id); // idempotent
  const done = await waitDone(api, id, 15_000);
  expect(done.counts).toEqual({ total: 40, processed: 32, error: 4, invalid: 4 });
});
