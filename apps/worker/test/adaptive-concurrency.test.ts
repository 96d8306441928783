// The adaptive IDA concurrency limit against the real sandbox: it backs off when IDA answers 429 (maxRps) and the
// request still ends with every record answered; it backs off when IDA's capacity is used up and latency rises with
// the queue (maxConcurrent, no 429 at all); it grows while IDA's latency stays flat and calls wait for a slot; after a
// slow start of IDA's it probes for the unloaded latency and comes down to what IDA's capacity needs.
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, parsePrometheusText, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { openApiStore, readOutput, submit, testConfig, waitDone } from './helpers.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(240_000);

// Each request here runs for seconds against a capacity-limited sandbox (the probe test's 2,400 records take ~12 s on an
// idle fast machine); a CI run on a slower machine, beside other suites, once took more than waitDone's default 20 s.
// The assertions are on counts and the limit, never on time, so the wait is generous.
const DONE_WITHIN_MS = 180_000;

let dir: TempDir;
let sandbox: RunningSandbox | undefined;
let api: Store | undefined;
let worker: RunningWorker | undefined;

beforeEach(async () => {
  dir = await createTempDir('adaptive-');
});
afterEach(async () => {
  await worker?.stop();
  await api?.close();
  await sandbox?.close();
  await dir.remove();
  worker = api = sandbox = undefined;
});

async function start(sandboxOptions: { latencyMs: number; maxRps?: number; maxConcurrent?: number }, start: number) {
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 200, ...sandboxOptions });
  const config = testConfig(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    // The client's own retries outlast a 429's one-second Retry-After, so few records go round through the queue.
    TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES: '4',
    MTS_IDA_CONCURRENCY_MODE: 'adaptive',
    MTS_IDA_CONCURRENCY: String(start),
    MTS_IDA_CONCURRENCY_MIN: '2',
    MTS_IDA_CONCURRENCY_MAX: '64',
    MTS_CHUNK_SIZE: '50',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(config);
  worker = await startWorker(config);
  return { sandbox, api, worker };
}

async function limitOf(w: RunningWorker): Promise<number> {
  const samples = parsePrometheusText(await w.metrics.metrics()).get('mts_worker_ida_concurrency_limit')?.samples ?? [];
  expect(samples).toHaveLength(1);
  return samples[0]!.value;
}

async function runAll(s: RunningSandbox, a: Store, records: Record<string, unknown>[]) {
  const id = await submit(a, 'ndjson', records, { output: 'json' });
  const done = await waitDone(a, id, DONE_WITHIN_MS);
  const rows = JSON.parse(await readOutput(a, done)) as { vid: string; status: string; errorCode: string | null }[];
  return { done, rows };
}

test('with IDA capping requests per second (429), the limit settles below its start and every record is answered', async () => {
  const { sandbox: s, api: a, worker: w } = await start({ latencyMs: 20, maxRps: 40 }, 16);
  expect(await limitOf(w)).toBe(16);
  const people = sandboxPeople(s).slice(0, 150);
  const { done, rows } = await runAll(s, a, people);

  expect(s.stats().rateLimited).toBeGreaterThan(0);
  expect(await limitOf(w)).toBeLessThan(16);
  expect(done.counts.total).toBe(150);
  expect(done.counts.processed + done.counts.error).toBe(150);
  expect(rows.map((r) => r.vid)).toEqual(people.map((p) => p.vid));
  // No record ended as "IDA unreachable": the ones refused with 429 went again until IDA answered them.
  expect(rows.filter((r) => r.errorCode === 'AUT_BAS_001')).toEqual([]);
  expect(rows.filter((r) => r.status === 'processed').length).toBe(done.counts.processed);
});

test('with flat latency and no cap, the limit grows above its start while calls wait for a slot', async () => {
  const { sandbox: s, api: a, worker: w } = await start({ latencyMs: 150 }, 4);
  const people = sandboxPeople(s);
  const { done } = await runAll(s, a, [...people, ...people].map((p) => ({ ...p })));

  expect(done.counts.total).toBe(400);
  expect(done.counts.processed + done.counts.error).toBe(400);
  expect(s.stats().rateLimited).toBe(0);
  expect(await limitOf(w)).toBeGreaterThan(4);
});

test('with IDA working on only a few requests at once (the rest queue, latency rises), the limit comes down without any 429', async () => {
  // Two at a time, 100 ms each: 32 in flight wait ~1.6 s. The limiter's baseline is the least latency it has seen, and
  // on a busy test machine its own event loop's delays count in it; with four at 40 ms (~320 ms of queue) a CI run
  // beside other load once took the queue for flat latency. This margin holds for a baseline up to ~500 ms.
  const { sandbox: s, api: a, worker: w } = await start({ latencyMs: 100, maxConcurrent: 2 }, 32);
  const people = sandboxPeople(s).slice(0, 150);
  const { done } = await runAll(s, a, people);

  const stats = s.stats();
  expect(stats.peakQueued).toBeGreaterThan(0); // the sandbox did queue: its capacity was the limit
  expect(stats.rateLimited + stats.injectedFailures).toBe(0);
  expect(await limitOf(w)).toBeLessThan(32);
  expect(done.counts.processed + done.counts.error).toBe(150);
});

test('after IDA was slow at first, a probe finds its unloaded latency again and the limit comes down to what its capacity needs', async () => {
  // IDA works on two requests at a time. The first two calls take 300 ms (a cold start); from the third on each takes
  // 5 ms, but by then the other calls of the first 32 are queued for the two slots, and no call after the first two
  // finds IDA idle. So the least latency the limiter sees is the queue's (80 ms and more at 32 in flight), that queue
  // looks flat against it, and the limit climbs towards the max (64). A probe (at most `min` = 2 in flight, a slot
  // each) measures ~5 ms, and against that the queue is cut back.
  const { sandbox: s, api: a, worker: w } = await start({ latencyMs: 300, maxConcurrent: 2 }, 32);
  const people = sandboxPeople(s);
  const records = Array.from({ length: 12 }, () => people).flat().map((p) => ({ ...p }));
  const id = await submit(a, 'ndjson', records, { output: 'json' });
  const warm = setInterval(() => {
    if (s.stats().requests >= 4) {
      s.setSwitches({ latencyMs: 5 });
      clearInterval(warm);
    }
  }, 5);
  try {
    const done = await waitDone(a, id, DONE_WITHIN_MS);
    expect(done.counts.processed + done.counts.error).toBe(records.length);
  } finally {
    clearInterval(warm);
  }
  expect(s.stats().rateLimited + s.stats().injectedFailures).toBe(0);
  expect(await limitOf(w)).toBeLessThanOrEqual(30);
});
