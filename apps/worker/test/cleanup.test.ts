// The repeating clean-up job with MTS's settings: finished requests older than the expiry go, with their files;
// an unfinished one stays however old it is.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { filesOf, openApiStore, people, submit, testConfig, waitDone, waitFor } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker;

beforeAll(async () => {
  dir = await createTempDir('cleanup-job-');
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await dir.remove();
});

test('finished requests expire by policy; unfinished ones never do', async () => {
  const config = testConfig(dir.path, {
    TOKENSEEDER_CLEANUP__ENABLED: 'true',
    TOKENSEEDER_CLEANUP__CLEANUP_INTERVAL_SECONDS: '1',
    TOKENSEEDER_CLEANUP__CLEANUP_EXPIRY_SECONDS: '1',
    MTS_RETRY_BASE_MS: '5000',
    MTS_RETRY_MAX_MS: '5000',
  });
  api = await openApiStore(config);
  const fake = fakeAuthenticator();
  worker = await startWorker(config, { authenticator: fake.auth });

  const finishedId = await submit(api, 'ndjson', people(10));
  const finished = await waitDone(api, finishedId);
  expect(finished.hasOutput).toBe(true);
  // The input went with the PII; the output stays until the request expires.
  expect(await filesOf(dir.path, finishedId)).toEqual([expect.stringMatching(/\.output\.json\.enc$/)]);

  fake.setDown(true);
  const stuckId = await submit(api, 'ndjson', people(10, 100));
  await waitFor(async () => (await api.getRequest(stuckId))?.phase === 'processing', 20_000, 'processing');

  await waitFor(async () => (await api.getRequest(finishedId)) === null, 30_000, 'clean-up of the finished request');
  expect(await filesOf(dir.path, finishedId)).toEqual([]);
  // Well past the expiry, and after further clean-up runs, the unfinished request is still there.
  await new Promise((r) => setTimeout(r, 2500));
  const stuck = await api.getRequest(stuckId);
  expect(stuck).toMatchObject({ phase: 'processing', status: 'processing' });
  expect(await filesOf(dir.path, stuckId)).toEqual([expect.stringMatching(/\.input\.ndjson\.enc$/)]);
});
