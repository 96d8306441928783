// Real tokens from the IDA sandbox over HTTP: CSV in / JSON out and JSON in / CSV out, submitted together;
// both requests progress at the same time (fair dispatcher), and the small one is not held behind the big one.
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { openApiStore, readOutput, submit, testConfig, waitDone } from './helpers.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let api: Store;
let worker: RunningWorker;

beforeAll(async () => {
  dir = await createTempDir('sandbox-e2e-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, latencyMs: 15, identityCount: 160 });
  const config = testConfig(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_IDA_CONCURRENCY: '4',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(config);
  worker = await startWorker(config);
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await sandbox.close();
  await dir.remove();
});

test('two requests submitted together both progress and both come back with tokens', async () => {
  const people = sandboxPeople(sandbox);
  const big = people.slice(0, 120);
  const small = people.slice(120);
  const csv = ['vid,name,gender,dob', ...big.map((p) => [p.vid, p.name, p.gender, p.dob].join(','))].join('\n');
  const bigId = await submit(api, 'csv', csv, { output: 'json' });
  const smallId = await submit(api, 'ndjson', small, { output: 'csv' });

  let bothInFlight = false;
  for (;;) {
    const [a, b] = [(await api.getRequest(bigId))!, (await api.getRequest(smallId))!];
    const answered = (r: typeof a) => r.counts.processed + r.counts.error;
    if (answered(a) > 0 && answered(b) > 0 && a.phase !== 'done' && b.phase !== 'done') bothInFlight = true;
    if (b.phase === 'done') {
      expect(a.phase).not.toBe('done');
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(bothInFlight).toBe(true);

  const bigDone = await waitDone(api, bigId);
  const smallDone = await waitDone(api, smallId);
  expect(bigDone.counts.total).toBe(120);
  expect(smallDone.counts.total).toBe(40);

  const rows = JSON.parse(await readOutput(api, bigDone)) as { vid: string; status: string; token: string | null }[];
  expect(rows.map((r) => r.vid)).toEqual(big.map((p) => p.vid));
  const tokens = rows.filter((r) => r.status === 'processed').map((r) => r.token!);
  expect(tokens.length).toBe(bigDone.counts.processed);
  expect(tokens.length).toBeGreaterThan(100);
  expect(new Set(tokens).size).toBe(tokens.length);
  expect(tokens.every((t) => /^\S{10,}$/.test(t))).toBe(true);

  const lines = (await readOutput(api, smallDone)).trim().split(/\r?\n/);
  expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
  expect(lines).toHaveLength(41);
  expect(lines.filter((l) => l.includes(',processed,')).length).toBe(smallDone.counts.processed);

  const calls = sandbox.stats().authCallsByIndividualId;
  expect(people.every((p) => calls[String(p.vid)] === 1)).toBe(true);
});
