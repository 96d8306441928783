// The worker main with MTS_WORKER_PROCESSES=2 against the IDA sandbox: a supervisor and two children share one
// SQLite store and queue, each with half of MTS_IDA_CONCURRENCY; together they answer every record, each sent to IDA
// once; a child killed with SIGKILL is restarted and the request still completes with nothing recorded twice;
// SIGTERM to the supervisor drains both children and exits 0.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { openApiStore, readOutput, submit, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(180_000);

let dir: TempDir;
let sandbox: RunningSandbox;
const stores: Store[] = [];
const children: ChildProcess[] = [];

interface Started {
  pid: number;
  process: number;
  httpPort: number;
  idaConcurrency: number;
}

beforeAll(async () => {
  dir = await createTempDir('procs-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, latencyMs: 30, identityCount: 300 });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  for (const s of stores) await s.close();
  await sandbox.close();
  await dir.remove();
});

/** Starts the worker main as a supervisor of two; collects its children's "worker started" lines from stdout. */
async function startTwo(name: string) {
  const env = testEnv(join(dir.path, name), {
    ...sandboxAuthEnv(sandbox),
    MTS_WORKER_PROCESSES: '2',
    MTS_IDA_CONCURRENCY: '8',
    MTS_CHUNK_SIZE: '20',
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
    MTS_WORKER_HTTP_PORT: '0',
    MTS_LOG_LEVEL: 'info',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  const supervisor = spawnWorker(env, 'pipe');
  children.push(supervisor);
  const started: Started[] = [];
  createInterface({ input: supervisor.stdout! }).on('line', (line) => {
    const entry = JSON.parse(line) as { message?: string } & Started;
    if (entry.message === 'worker started') started.push(entry);
  });
  await waitFor(async () => started.length >= 2, 60_000, 'two children to start');
  const api = await openApiStore(loadConfig(env));
  stores.push(api);
  return { supervisor, started, api };
}

/** A child's `mts_worker_records_total` by outcome, from its own /metrics. */
async function recordsAnswered(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^mts_worker_records_total\{outcome="(token|ida_error)"\} (\d+)$/gm)) sum += Number(m[2]);
  return sum;
}

const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
};

test('two children share the queue and the IDA concurrency; each record is sent once; SIGTERM drains and exits 0', async () => {
  const { supervisor, started, api } = await startTwo('shared');
  const [a, b] = started as [Started, Started];
  expect(new Set([a.pid, b.pid, supervisor.pid]).size).toBe(3);
  expect([a.process, b.process].sort()).toEqual([1, 2]);
  // MTS_IDA_CONCURRENCY=8 is the worker's total: 4 each.
  expect([a.idaConcurrency, b.idaConcurrency]).toEqual([4, 4]);

  const people = sandboxPeople(sandbox);
  const id = await submit(api, 'ndjson', people, { output: 'json' });
  const done = await waitDone(api, id, 120_000);
  expect(done.counts.total).toBe(people.length);
  expect(done.counts.processed + done.counts.error + done.counts.invalid).toBe(people.length);
  expect(done.counts.processed).toBeGreaterThan(people.length / 2);

  // Together the processes answered exactly the request's records, and each a fair share of them: a child that saves
  // a job has the supervisor wake the child running fewer (15 chunks of 20, four in flight). By the poll timers alone
  // the split was whatever their phases made it.
  const answered = [await recordsAnswered(a.httpPort), await recordsAnswered(b.httpPort)];
  expect(answered[0]! + answered[1]!).toBe(done.counts.processed + done.counts.error);
  console.log(`records answered by the two processes: ${answered.join(' and ')}`);
  for (const n of answered) expect(n).toBeGreaterThanOrEqual(0.3 * (done.counts.processed + done.counts.error));

  const calls = sandbox.stats().authCallsByIndividualId;
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string }[];
  expect(rows).toHaveLength(people.length);
  expect(new Set(rows.map((r) => r.vid)).size).toBe(people.length);
  expect(Object.values(calls).filter((n) => n !== 1)).toEqual([]);

  supervisor.kill('SIGTERM');
  expect(await exited(supervisor)).toBe(0);
  expect([gone(a.pid), gone(b.pid)]).toEqual([true, true]);
});

test('a child killed with SIGKILL is restarted; the request completes with no record recorded twice', async () => {
  const { supervisor, started, api } = await startTwo('killed');
  const victim = started.find((s) => s.process === 2)!;
  const people = sandboxPeople(sandbox);
  const id = await submit(api, 'ndjson', people, { output: 'json' });

  await waitFor(async () => {
    const r = await api.getRequest(id);
    return r && r.counts.processed + r.counts.error >= 40;
  }, 60_000, 'some answers');
  process.kill(victim.pid, 'SIGKILL');
  const recorded: string[] = [];
  for await (const r of api.streamRecords(id)) if (r.status === 'processed' || r.status === 'error') recorded.push(r.output!.vid!);
  const atKill = { ...sandbox.stats().authCallsByIndividualId };
  expect(recorded.length).toBeLessThan(people.length);

  // The supervisor starts process 2 again: a new pid.
  const restarted = await waitFor(async () => started.find((s) => s.process === 2 && s.pid !== victim.pid), 60_000, 'process 2 to restart');
  expect(gone(victim.pid)).toBe(true);

  const done = await waitDone(api, id, 120_000);
  expect(done.counts.total).toBe(people.length);
  expect(done.counts.processed + done.counts.error + done.counts.invalid).toBe(people.length);
  const after = sandbox.stats().authCallsByIndividualId;
  // An answer recorded before the kill was never asked for again.
  for (const vid of recorded) expect({ vid, calls: after[vid] }).toEqual({ vid, calls: atKill[vid] });
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string }[];
  expect(rows).toHaveLength(people.length);
  expect(new Set(rows.map((r) => r.vid)).size).toBe(people.length);

  supervisor.kill('SIGTERM');
  expect(await exited(supervisor)).toBe(0);
  expect(gone(restarted.pid)).toBe(true);
});

test('children whose supervisor was SIGKILLed drain and exit by themselves', async () => {
  const { supervisor, started } = await startTwo('orphans');
  supervisor.kill('SIGKILL');
  expect(await exited(supervisor)).toBe('SIGKILL');
  await waitFor(async () => started.every((s) => gone(s.pid)), 30_000, 'both children to exit');
});

test('MTS_WORKER_PROCESSES=1 runs the worker in the started process itself; a bad value exits 2 before starting anything', async () => {
  const env = testEnv(join(dir.path, 'one'), { ...sandboxAuthEnv(sandbox), MTS_WORKER_PROCESSES: '1', MTS_LOG_LEVEL: 'info' });
  const one = spawnWorker(env, 'pipe');
  children.push(one);
  const lines: { message?: string; pid?: number; process?: number }[] = [];
  createInterface({ input: one.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  const started = await waitFor(async () => lines.find((l) => l.message === 'worker started'), 60_000, 'the worker to start');
  expect(started.pid).toBe(one.pid);
  expect(started.process).toBeUndefined();
  one.kill('SIGTERM');
  expect(await exited(one)).toBe(0);

  const bad = spawnWorker({ ...env, MTS_WORKER_PROCESSES: '0' });
  children.push(bad);
  expect(await exited(bad)).toBe(2);
});
