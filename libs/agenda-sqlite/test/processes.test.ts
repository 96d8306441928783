// Several OS processes sharing one SQLite file: claims are exclusive, and a killed worker's job is re-run.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createSqliteBackend } from '../src/index.js';
import { newJob, stopAgenda, tempDir, testAgenda, waitFor } from './helpers.js';

const tmp = tempDir();
const children: ChildProcess[] = [];
type Message = { type: 'ready' | 'ran' | 'started'; id?: string };

function startWorker(file: string, lockLifetime: number, onMessage: (m: Message, pid: number) => void): ChildProcess {
  const child = fork(join(__dirname, 'fixtures', 'agenda-worker.cjs'), [file, String(lockLifetime)], {
    execArgv: ['--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (m) => onMessage(m as Message, child.pid as number));
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(children.map(exited));
  tmp.cleanup();
});

it('two processes on one file run each of 150 jobs exactly once', async () => {
  const file = tmp.file('two-processes.db');
  const seed = createSqliteBackend({ path: file });
  await seed.connect();
  const runs = new Map<string, number[]>();
  let ready = 0;
  const onMessage = (m: Message, pid: number) => {
    if (m.type === 'ready') ready++;
    if (m.type === 'ran') runs.set(m.id as string, [...(runs.get(m.id as string) ?? []), pid]);
  };
  const workers = [startWorker(file, 5000, onMessage), startWorker(file, 5000, onMessage)];
  await waitFor('both workers to start', () => ready === 2, 20_000);
  expect((await seed.repository.queryJobs({ name: 'hourly' })).total).toBe(1);
  // Seed only now, so both workers are polling when the jobs appear (a slow start must not leave one idle).
  for (let i = 0; i < 150; i++) await seed.repository.saveJob(newJob('item', { data: { i } }), undefined);
  await seed.disconnect();
  await waitFor('all 150 jobs', () => runs.size === 150, 20_000);
  for (const w of workers) w.send('stop');
  await Promise.all(workers.map(exited));

  expect([...runs.values()].filter((pids) => pids.length !== 1)).toEqual([]);
  const pids = new Set([...runs.values()].flat());
  expect(pids.size).toBe(2);
}, 45_000);

it('a job whose process was killed mid-run is run again after its lock lifetime', async () => {
  const lock = 400;
  const file = tmp.file('killed.db');
  const seed = createSqliteBackend({ path: file });
  await seed.connect();
  const job = await seed.repository.saveJob(newJob('hang', { data: { n: 1 } }), undefined);
  await seed.disconnect();

  let startedId = '';
  const worker = startWorker(file, lock, (m) => void (m.type === 'started' && (startedId = m.id as string)));
  await waitFor('the worker to start the job', () => startedId !== '', 20_000);
  worker.kill('SIGKILL');
  await exited(worker);
  const killedAt = Date.now();

  const agenda = testAgenda({ backend: createSqliteBackend({ path: file }), processEvery: 30, defaultLockLifetime: lock });
  let rerunAt = 0;
  agenda.define('hang', async () => void (rerunAt = Date.now()));
  await agenda.ready;
  const held = (await agenda.queryJobs({ id: String(job._id) })).jobs[0];
  expect(held?.state).toBe('running'); // still locked by the dead process
  await agenda.start();
  await waitFor('the re-run', () => rerunAt > 0);
  expect(startedId).toBe(String(job._id));
  const stored = (await agenda.queryJobs({ id: String(job._id) })).jobs[0];
  expect(stored.lastFinishedAt).toBeInstanceOf(Date);
  expect(rerunAt).toBeGreaterThanOrEqual(killedAt);
  expect(rerunAt - (held.lockedAt as Date).getTime()).toBeGreaterThanOrEqual(lock);
  await stopAgenda(agenda);
}, 30_000);
