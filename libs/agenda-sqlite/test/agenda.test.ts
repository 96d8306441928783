// End to end with a real Agenda 6 on our SQLite backend: scheduling, retries, concurrency, crash recovery,
// two instances on one file, and persistence across close/reopen.
import type { Job } from 'agenda';
import { createSqliteBackend } from '../src/index.js';
import { sleep, stopAgenda, tempDir, testAgenda, until, waitFor } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const LOCK = 600;
function makeAgenda(file: string, options: { lockLifetime?: number; name?: string; lockLimit?: number } = {}) {
  return testAgenda({
    backend: createSqliteBackend({ path: tmp.file(file) }),
    processEvery: 40,
    defaultLockLifetime: options.lockLifetime ?? LOCK,
    lockLimit: options.lockLimit ?? 0,
    name: options.name,
  });
}

it('runs now, scheduled and every jobs', async () => {
  const agenda = makeAgenda('basic.db');
  const runs: string[] = [];
  agenda.define('once', async (job: Job<{ tag: string }>) => void runs.push(job.attrs.data.tag));
  agenda.define('tick', async () => void runs.push('tick'));
  await agenda.start();
  const scheduledFor = new Date(Date.now() + 150);
  await agenda.now('once', { tag: 'now' });
  await agenda.schedule(scheduledFor, 'once', { tag: 'later' });
  await agenda.every(100, 'tick');
  await agenda.every(100, 'tick'); // a second every() keeps one row (type 'single')
  await waitFor('both one-off jobs and two ticks', () => runs.includes('later') && runs.filter((r) => r === 'tick').length >= 2);
  expect(runs.filter((r) => r === 'now')).toHaveLength(1);
  expect((await agenda.queryJobs({ name: 'tick' })).total).toBe(1);
  const later = (await agenda.queryJobs({ name: 'once', data: { tag: 'later' } })).jobs[0];
  expect(later.lastRunAt!.getTime()).toBeGreaterThanOrEqual(scheduledFor.getTime());
  expect(later.state).toBe('completed');
  await stopAgenda(agenda);
});

it('records failures and retries with the backoff until the job succeeds', async () => {
  const agenda = makeAgenda('retry.db');
  let attempts = 0;
  agenda.define(
    'flaky',
    async () => {
      attempts++;
      if (attempts < 3) throw new Error(`upstream unavailable (attempt ${attempts})`);
    },
    { backoff: (ctx) => (ctx.attempt <= 5 ? 30 : null) },
  );
  const failures: number[] = [];
  agenda.on('fail:flaky', (_err: Error, job: Job) => failures.push(job.attrs.failCount ?? 0));
  await agenda.start();
  const job = await agenda.now('flaky');
  await waitFor('a successful third attempt', async () => (await agenda.queryJobs({ id: String(job.attrs._id) })).jobs[0]?.state === 'completed');
  const stored = (await agenda.queryJobs({ id: String(job.attrs._id) })).jobs[0];
  expect(attempts).toBe(3);
  expect(failures).toEqual([1, 2]);
  expect(stored).toMatchObject({ failCount: 0, failReason: 'upstream unavailable (attempt 2)' });
  expect(stored.failedAt).toBeInstanceOf(Date);
  await stopAgenda(agenda);
});

it('keeps to a job concurrency limit', async () => {
  const lock = 2000; // jobs wait in the local queue while others run: keep their locks well alive
  const agenda = makeAgenda('concurrency.db', { lockLifetime: lock });
  let running = 0;
  let started = 0;
  let peak = 0;
  let done = 0;
  agenda.define(
    'slow',
    async () => {
      running++;
      started++;
      peak = Math.max(peak, running);
      // Hold until a second job runs beside this one (or none is left), so a slow machine cannot hide a third.
      await until(() => running >= 2 || started === 6, 1500);
      await sleep(20);
      running--;
      done++;
    },
    { concurrency: 2 },
  );
  for (let i = 0; i < 6; i++) await agenda.now('slow', { i });
  await agenda.start();
  await waitFor('all six jobs', () => done === 6);
  expect(peak).toBe(2);
  await stopAgenda(agenda);
});

it('re-runs a job whose worker died holding the lock, once the lock lifetime has passed', async () => {
  const file = 'crash.db';
  const dead = createSqliteBackend({ path: tmp.file(file) });
  await dead.connect();
  const job = await dead.repository.saveJob({ name: 'work', priority: 0, nextRunAt: new Date(), type: 'normal', data: { k: 1 } }, undefined);
  // The "crashed" worker claims the job and never finishes or unlocks it.
  const claimedAt = new Date();
  expect((await dead.repository.getNextJobToRun('work', new Date(), new Date(0), claimedAt, undefined))?._id).toBe(job._id);
  await dead.disconnect();

  const agenda = makeAgenda(file, { lockLifetime: 300 });
  let ranAt = 0;
  agenda.define('work', async () => void (ranAt = Date.now()));
  await agenda.start();
  await waitFor('the abandoned job to run', () => ranAt > 0);
  expect(ranAt - claimedAt.getTime()).toBeGreaterThanOrEqual(300);
  await waitFor('the job to be unlocked', async () => (await agenda.queryJobs({ id: String(job._id) })).jobs[0]?.lockedAt === undefined);
  await stopAgenda(agenda);
});

it('two instances on one file never run the same job twice', async () => {
  const lock = 1500;
  // lockLimit: neither instance may hold all jobs at once, so both take part and the claims really race.
  const a = makeAgenda('shared.db', { lockLifetime: lock, name: 'a', lockLimit: 10 });
  const b = makeAgenda('shared.db', { lockLifetime: lock, name: 'b', lockLimit: 10 });
  const runs = new Map<string, string[]>();
  for (const [agenda, who] of [[a, 'a'], [b, 'b']] as const) {
    agenda.define('item', async (job: Job) => {
      const id = String(job.attrs._id);
      runs.set(id, [...(runs.get(id) ?? []), who]);
      await sleep(2);
    }, { concurrency: 10 });
  }
  await a.ready;
  for (let i = 0; i < 80; i++) await a.now('item', { i });
  await Promise.all([a.start(), b.start()]);
  await waitFor('all 80 jobs', () => runs.size === 80, 10_000);
  await sleep(100);
  expect([...runs.values()].filter((who) => who.length !== 1)).toEqual([]);
  const byWho = [...runs.values()].flat();
  expect(byWho.length).toBe(80);
  expect(byWho).toContain('a');
  expect(byWho).toContain('b');
  await Promise.all([stopAgenda(a), stopAgenda(b)]);
});

it('keeps jobs across close and reopen', async () => {
  const first = makeAgenda('persist.db');
  first.define('later', async () => undefined);
  await first.start();
  await first.schedule(new Date(Date.now() + 300), 'later', { keep: true });
  await first.every('1 hour', 'hourly');
  await stopAgenda(first);

  const second = makeAgenda('persist.db');
  let ran = false;
  second.define('later', async () => void (ran = true));
  await second.start();
  expect((await second.queryJobs({ name: 'hourly' })).jobs[0]).toMatchObject({ repeatInterval: '1 hour', type: 'single' });
  await waitFor('the job scheduled before the restart', () => ran);
  await stopAgenda(second);
});

it('honours disable/enable, progress via touch, removeOnComplete, purge and cancelAll', async () => {
  const agenda = makeAgenda('admin.db');
  const ran: string[] = [];
  agenda.define('paused', async () => void ran.push('paused'));
  agenda.define('progress', async (job) => {
    await job.touch(40);
    ran.push('progress');
  });
  agenda.define('ephemeral', async () => void ran.push('ephemeral'), { removeOnComplete: true });
  await agenda.ready;
  await agenda.now('paused');
  expect(await agenda.disable({ name: 'paused' })).toBe(1);
  const progress = await agenda.now('progress');
  await agenda.now('ephemeral');
  await agenda.start();
  await waitFor('progress and ephemeral', () => ran.includes('progress') && ran.includes('ephemeral'));
  await sleep(150); // several polls: the disabled job must stay put
  expect(ran).not.toContain('paused');
  expect((await agenda.queryJobs({ state: 'paused' })).total).toBe(1);
  expect(await agenda.enable({ name: 'paused' })).toBe(1);
  await waitFor('the re-enabled job', () => ran.includes('paused'));
  expect((await agenda.queryJobs({ id: String(progress.attrs._id) })).jobs[0].progress).toBe(40);
  await waitFor('the ephemeral job to be removed', async () => (await agenda.queryJobs({ name: 'ephemeral' })).total === 0);
  await agenda.create('orphan', {}).save();
  expect(await agenda.purge()).toBe(1); // jobs of undefined names
  expect(await agenda.cancelAll()).toBe(2);
  await stopAgenda(agenda);
});

it('nowDebounced folds rapid saves into one run with the latest data', async () => {
  const agenda = makeAgenda('debounce.db');
  const seen: unknown[] = [];
  agenda.define('sync', async (job) => void seen.push(job.attrs.data));
  await agenda.start();
  for (let v = 1; v <= 3; v++) await agenda.nowDebounced('sync', { key: 'k', v }, { 'data.key': 'k' }, 150);
  await waitFor('the debounced run', () => seen.length === 1);
  await sleep(200);
  expect(seen).toEqual([{ key: 'k', v: 3 }]);
  await stopAgenda(agenda);
});
