// A worker process killed with SIGKILL mid-request and restarted finishes with exact counts, and no record whose
// answer was recorded is sent to IDA again (counted at the sandbox). Then SIGTERM drains and exits 0.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { openApiStore, readOutput, submit, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

let dir: TempDir;
let sandbox: RunningSandbox;
let api: Store | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, latencyMs: 30, identityCount: 200 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await api?.close();
  await sandbox.close();
  await dir.remove();
});

test('SIGKILL mid-request, restart: exact counts, no repeated IDA call for a recorded answer', async () => {
  const env = testEnv(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_IDA_CONCURRENCY: '4',
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(loadConfig(env));
  const people = sandboxPeople(sandbox);
  const first = spawnWorker(env);
  children.push(first);
  const id = await submit(api, 'ndjson', people, { output: 'json' });

  await waitFor(async () => {
    const r = await api!.getRequest(id);
    return r && r.counts.processed + r.counts.error >= 40;
  }, 60_000, 'some answers');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');

  const recorded: string[] = [];
  for await (const r of api.streamRecords(id)) if (r.status === 'processed' || r.status === 'error') recorded.push(r.output!.vid!);
  const atKill = { ...sandbox.stats().authCallsByIndividualId };
  const before = (await api.getRequest(id))!;
  expect(before.phase).toBe('processing');
  expect(recorded.length).toBeGreaterThanOrEqual(40);
  expect(recorded.length).toBeLessThan(people.length);

  const second = spawnWorker(env);
  children.push(second);
  const done = await waitDone(api, id, 90_000);
  const c = done.counts;
  expect(c.total).toBe(people.length);
  expect(c.processed + c.error + c.invalid).toBe(people.length);
  expect(c.processed).toBeGreaterThan(people.length / 2);

  const after = sandbox.stats().authCallsByIndividualId;
  for (const vid of recorded) expect({ vid, calls: after[vid] }).toEqual({ vid, calls: atKill[vid] });
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string }[];
  expect(rows).toHaveLength(people.length);
  expect(new Set(rows.map((r) => r.vid)).size).toBe(people.length);

  second.kill('SIGTERM');
  expect(await exited(second)).toBe(0);
});
