// The supervisor over real child processes (a stub child, not the worker): start order, restart with capped backoff,
// stop forwarding SIGTERM and waiting for every child.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from './logger.js';
import { ChildStartError, startSupervisor, type SupervisorOptions } from './supervisor.js';

const STUB = join(__dirname, '../../test/fixtures/supervised-stub.cjs');
const forked: ChildProcess[] = [];

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { lines, log: createLogger({ level: 'info', stream }) };
}

/** Forks the stub with per-index, per-start environment (`envFor(index, startNo)`). */
function stubFork(envFor: (index: number, start: number) => NodeJS.ProcessEnv = () => ({})): SupervisorOptions['fork'] {
  const starts = new Map<number, number>();
  return (index) => {
    const n = (starts.get(index) ?? 0) + 1;
    starts.set(index, n);
    const child = fork(STUB, [], { env: { PATH: process.env.PATH ?? '', ...envFor(index, n) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    forked.push(child);
    return child;
  };
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const waitFor = async (what: string, fn: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

afterEach(async () => {
  for (const c of forked) if (alive(c)) c.kill('SIGKILL');
  await Promise.all(forked.map((c) => (alive(c) ? new Promise((r) => c.once('exit', r)) : undefined)));
  forked.length = 0;
});

test('starts N children, each ready; stop sends SIGTERM to each and resolves 0 once all exited 0', async () => {
  const { log } = capture();
  const sup = startSupervisor({ processes: 3, log, fork: stubFork() });
  await sup.ready;
  const pids = sup.pids();
  expect([...pids.keys()].sort()).toEqual([1, 2, 3]);
  expect(new Set(pids.values()).size).toBe(3);
  expect(await sup.stop()).toBe(0);
  expect(forked.every((c) => c.exitCode === 0)).toBe(true);
  expect(sup.pids().size).toBe(0);
});

test('stop resolves 1 when a child drains badly', async () => {
  const { log } = capture();
  const sup = startSupervisor({ processes: 2, log, fork: stubFork((i) => (i === 2 ? { STUB_TERM_CODE: '1' } : {})) });
  await sup.ready;
  expect(await sup.stop()).toBe(1);
});

test('a child that dies is restarted with a new pid; the delay doubles while it keeps dying and is capped', async () => {
  const { lines, log } = capture();
  // Child 2 dies 30 ms after each of its first four starts; its fifth start stays up.
  const sup = startSupervisor({
    processes: 2, log, restartBaseMs: 40, restartMaxMs: 100,
    fork: stubFork((i, n) => (i === 2 && n <= 4 ? { STUB_EXIT_AFTER_MS: '30', STUB_EXIT_CODE: '7' } : {})),
  });
  await sup.ready;
  await waitFor('four restarts', () => lines.filter((l) => l.message === 'worker process exited; restarting it').length === 4);
  // Ready, not only forked: a SIGTERM before the child's handler is installed ends it by the signal (not a clean 0).
  await waitFor('the fifth child 2 ready', () => lines.filter((l) => l.message === 'worker process ready' && l.process === 2).length === 5);
  expect(sup.pids().get(2)).toBe(forked[5]!.pid);
  expect(forked).toHaveLength(6);
  const restarts = lines.filter((l) => l.message === 'worker process exited; restarting it');
  expect(restarts.map((l) => [l.process, l.exit, l.restartInMs])).toEqual([[2, 7, 40], [2, 7, 80], [2, 7, 100], [2, 7, 100]]);
  // Child 1 was never touched.
  expect(sup.pids().get(1)).toBe(forked[0]!.pid);
  expect(alive(forked[0]!)).toBe(true);
  expect(await sup.stop()).toBe(0);
});

test('child 1 exiting before it is ready fails the start-up with its exit code, and nothing is restarted', async () => {
  const { lines, log } = capture();
  const sup = startSupervisor({ processes: 2, log, fork: stubFork(() => ({ STUB_NO_READY: '1', STUB_EXIT_AFTER_MS: '10', STUB_EXIT_CODE: '2' })) });
  await expect(sup.ready).rejects.toMatchObject({ code: 'WORKER_CHILD_START_FAILED', exitCode: 2 });
  await expect(sup.ready).rejects.toBeInstanceOf(ChildStartError);
  expect(forked).toHaveLength(1);
  expect(lines.some((l) => l.message === 'worker process exited; restarting it')).toBe(false);
  expect(await sup.stop()).toBe(0);
});

test('stop during a restart delay cancels the restart', async () => {
  const { log } = capture();
  const sup = startSupervisor({
    processes: 1, log, restartBaseMs: 60_000,
    fork: stubFork((_i, n) => (n === 1 ? { STUB_EXIT_AFTER_MS: '30' } : {})),
  });
  await sup.ready;
  await waitFor('the child to exit', () => !alive(forked[0]!));
  await new Promise((r) => setTimeout(r, 20));
  expect(await sup.stop()).toBe(0);
  expect(forked).toHaveLength(1);
});

test('a job a child saved wakes the child running the fewest jobs; a child that left or exited is woken no more', async () => {
  const { log } = capture();
  const sup = startSupervisor({ processes: 3, log, restartBaseMs: 60_000, fork: stubFork((i) => ({ STUB_LOAD: i === 1 ? '3' : '0' })) });
  // Stopped whatever happens: a supervisor left running would restart killed children and keep jest alive.
  try {
    await sup.ready;
    const [one, two, three] = forked as [ChildProcess, ChildProcess, ChildProcess];
    const woken: [number, string][] = [];
    for (const [i, c] of [one, two, three].entries()) c.on('message', (m: { type?: string; jobId?: string }) => m.type === 'stub:woken' && woken.push([i + 1, m.jobId!]));

    // Child 3 drains: it leaves, and is never woken although it runs nothing. (The supervisor's listener was added
    // first, so it has handled the message when this one sees it.)
    const left = new Promise((resolve) => three.on('message', (m: { type?: string }) => m.type === 'mts:leave' && resolve(m)));
    three.send({ type: 'stub:leave' });
    await left;
    // Child 1 runs 3 jobs, child 2 none: its saved jobs go to child 2 until the guesses make them equal (2 : 3).
    for (const jobId of ['a', 'b']) one.send({ type: 'stub:save', jobId });
    await waitFor('two wake-ups', () => woken.length === 2);
    expect(woken.sort()).toEqual([[2, 'a'], [2, 'b']]);

    // Child 2 gone: child 1's next saved job wakes child 1 itself.
    two.kill('SIGKILL');
    await waitFor('child 2 to exit', () => !alive(two));
    one.send({ type: 'stub:save', jobId: 'c' });
    await waitFor('the third wake-up', () => woken.length === 3);
    expect(woken[2]).toEqual([1, 'c']);
    expect(await sup.stop()).toBe(0);
  } finally {
    await sup.stop();
  }
});
