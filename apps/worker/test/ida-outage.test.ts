// IDA down, then up: with the real authenticator over HTTP, records wait while the port is closed and the request
// finishes once a sandbox listens there again, each record sent to that sandbox exactly once.
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { openApiStore, submit, testConfig, waitDone, waitFor } from './helpers.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox | undefined;
let api: Store | undefined;
let worker: RunningWorker | undefined;

async function stopAll(): Promise<void> {
  await worker?.stop();
  await api?.close();
  await sandbox?.close();
  worker = undefined;
  api = undefined;
  sandbox = undefined;
}

beforeAll(async () => {
  dir = await createTempDir('outage-');
});
afterEach(stopAll);
afterAll(async () => {
  await dir.remove();
});

test('records wait while IDA is unreachable and are all answered once it returns', async () => {
  const idaDir = join(dir.path, 'ida');
  // Start once to create keys and identities and learn a free port, then take it down.
  const first = await startSandbox({ dataDir: idaDir, port: 0, identityCount: 60 });
  const port = Number(new URL(first.url).port);
  const env = sandboxAuthEnv(first);
  const people = sandboxPeople(first);
  await first.close();

  const config = testConfig(join(dir.path, 'data'), { ...env, TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob' });
  api = await openApiStore(config);
  worker = await startWorker(config);
  const id = await submit(api, 'ndjson', people);

  await waitFor(async () => (await api!.getRequest(id))?.phase === 'processing', 20_000, 'processing');
  await new Promise((r) => setTimeout(r, 800));
  const during = (await api.getRequest(id))!;
  expect(during).toMatchObject({ status: 'processing', counts: { processed: 0, error: 0 } });
  expect(await api.countPending(id)).toBe(people.length);

  sandbox = await startSandbox({ dataDir: idaDir, port, identityCount: 60 });
  const done = await waitDone(api, id, 60_000);
  expect(done.counts.total).toBe(people.length);
  expect(done.counts.processed + done.counts.error).toBe(people.length);
  expect(done.counts.processed).toBeGreaterThan(people.length / 2);
  const calls = sandbox.stats().authCallsByIndividualId;
  expect(people.every((p) => calls[String(p.vid)] === 1)).toBe(true);
});

test('a flaky IDA (40 % injected 5xx or hangs) still answers every record exactly once', async () => {
  sandbox = await startSandbox({ dataDir: join(dir.path, 'flaky-ida'), port: 0, identityCount: 60, failureRate: 0.4, failureMode: 'mixed' });
  const people = sandboxPeople(sandbox);
  const config = testConfig(join(dir.path, 'flaky-data'), {
    ...sandboxAuthEnv(sandbox),
    TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '0',
    TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS: '300',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
    // "Exactly once" holds while a chunk's lock is held; the helpers' 2 s lock can lapse when a loaded machine stalls
    // the event loop (heartbeats cannot run either), and a chunk re-run re-sends its records still in flight.
    MTS_JOB_LOCK_LIFETIME_MS: '10000',
  });
  api = await openApiStore(config);
  worker = await startWorker(config);
  const id = await submit(api, 'ndjson', people);
  const done = await waitDone(api, id, 90_000);
  expect(done.counts.processed + done.counts.error).toBe(people.length);
  expect(done.counts.processed).toBeGreaterThan(people.length / 2);
  const stats = sandbox.stats();
  expect(stats.injectedFailures).toBeGreaterThan(0);
  expect(people.every((p) => stats.authCallsByIndividualId[String(p.vid)] === 1)).toBe(true);
});

test("after an outage, waiting chunks go on within moments of IDA's return, not at the end of the queue's backoff", async () => {
  const idaDir = join(dir.path, 'ida-recovery');
  const first = await startSandbox({ dataDir: idaDir, port: 0, identityCount: 60 });
  const port = Number(new URL(first.url).port);
  const env = sandboxAuthEnv(first);
  const people = sandboxPeople(first);
  await first.close();

  // The queue's first retry would come 15–30 s after a failure; the IDA watch probes every 200 ms.
  const config = testConfig(join(dir.path, 'recovery-data'), {
    ...env,
    MTS_RETRY_BASE_MS: '30000',
    MTS_RETRY_MAX_MS: '60000',
    MTS_IDA_PROBE_INTERVAL_MS: '200',
    TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '0',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(config);
  worker = await startWorker(config);
  const id = await submit(api, 'ndjson', people);
  await waitFor(async () => (await api!.getRequest(id))?.phase === 'processing', 20_000, 'processing');
  await new Promise((r) => setTimeout(r, 1000));
  expect(await api.countPending(id)).toBe(people.length);

  sandbox = await startSandbox({ dataDir: idaDir, port, identityCount: 60 });
  const done = await waitDone(api, id, 12_000);
  expect(done.counts.processed + done.counts.error).toBe(people.length);
  const calls = sandbox.stats().authCallsByIndividualId;
  expect(people.every((p) => calls[String(p.vid)] === 1)).toBe(true);
});
