// A worker process killed with SIGKILL in the middle of a Form.io pull (some records stored, the listing not done)
// and restarted: it reads the form again from the start, skips the positions already stored, and ends with every
// submitted record exactly once. The mapping leaves out the date of birth, so every record is invalid and the test
// spends its time on the pull, not on IDA (apps/api/test/formio.test.ts tokenises Form.io records for real).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEMO_MAPPING, DEMO_USER, demoFormioData, startFormioStandin, type RunningFormioStandin } from '@mts/formio-standin';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { openApiStore, readOutput, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let formio: RunningFormioStandin;
let api: Store | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('formio-kill-');
  // The worker's IDA (it needs real partner keys to start); no record reaches it.
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 10 });
  // 900 submissions (every 6th a draft: 750 records), 18 pages of 50, each page answered after 150 ms.
  formio = await startFormioStandin({ ...demoFormioData({ count: 900 }), latencyMs: 150 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await api?.close();
  await formio.close();
  await sandbox?.close();
  await dir.remove();
});

test('SIGKILL mid-pull, restart: every submitted record once, in listing order', async () => {
  // With no date of birth, no record is sent to IDA.
  const env = testEnv(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(loadConfig(env));
  const first = spawnWorker(env);
  children.push(first);
  const req = await api.createRequest({
    inputKind: 'formio',
    config: {
      output: 'json',
      deliverytype: 'download',
      mapping: { ...DEMO_MAPPING, name: [...DEMO_MAPPING.name], fullAddress: [...DEMO_MAPPING.fullAddress], dob: 'applicant.birthDate' },
      formioconfig: { baseurl: formio.url, formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, pageSize: 50 },
    },
  });

  // The ingest stores records 500 at a time: kill once the first batch is in and the listing is still going.
  const atKill = await waitFor(async () => {
    const r = await api!.getRequest(req.id);
    return r && r.ingestedLineNo > 0 ? r : undefined;
  }, 60_000, 'the first stored batch');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');
  expect(atKill.phase).toBe('ingesting');
  const pagesBefore = formio.requests().filter((r) => r.path === '/registration/submission' && r.status === 206).length;
  expect(pagesBefore).toBeLessThan(18);

  formio.clearRequests();
  formio.setLatency(0);
  const second = spawnWorker(env);
  children.push(second);
  const done = await waitDone(api, req.id, 90_000);

  const expected = [...demoFormioData({ count: 900 }).submissions]
    .sort((a, b) => a.created!.localeCompare(b.created!) || a._id!.localeCompare(b._id!))
    .filter((s) => s.state !== 'draft')
    .map((s) => (s.data as { vid: string }).vid);
  expect(expected).toHaveLength(750);
  expect(done.counts.total).toBe(expected.length);
  expect(done.counts).toMatchObject({ processed: 0, error: 0, invalid: expected.length });
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string; errorCode: string }[];
  expect(rows.map((r) => r.vid)).toEqual(expected);
  expect(new Set(rows.map((r) => r.errorCode))).toEqual(new Set(['ATS-REQ-012']));
  // The restarted pull read the whole listing again from the start, with a fresh login.
  const again = formio.requests();
  expect(again[0]).toMatchObject({ method: 'POST', path: '/user/login', status: 200 });
  expect(again.filter((r) => r.path === '/registration/submission').map((r) => Number(r.query.skip))).toEqual(Array.from({ length: 18 }, (_, i) => i * 50));

  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
});
