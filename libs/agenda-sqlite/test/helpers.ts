import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agenda, type AgendaOptions, type Job, type JobParameters } from 'agenda';

/** A fresh directory for one test file's databases; call the returned cleanup in afterAll. */
export function tempDir(prefix = 'agenda-sqlite-'): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A minimal new job as Agenda's Job.toJson(true) would hand it to saveJob. */
export function newJob(name: string, overrides: Partial<JobParameters> = {}): JobParameters {
  return { name, priority: 0, nextRunAt: new Date(), type: 'normal', data: {}, ...overrides };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

const lastLockTimer = new WeakMap<Agenda, () => number>();

/**
 * A real Agenda for tests that remembers when the lock-check timers of its job runs will fire: Agenda starts one
 * per run (period max(processEvery, lockLifetime) / 2) and leaves the last one pending after the job ends.
 * Tests let every job finish before stopping, so completed runs are the only ones that leave timers.
 */
export function testAgenda(options: AgendaOptions): Agenda {
  const agenda = new Agenda(options);
  const started = new Map<string, number>();
  let lastFire = 0;
  const period = (job: Job) => Math.max(agenda.attrs.processEvery, agenda.definitions[job.attrs.name].lockLifetime) / 2;
  agenda.on('start', (job: Job) => started.set(String(job.attrs._id), Date.now()));
  agenda.on('complete', (job: Job) => {
    const start = started.get(String(job.attrs._id)) ?? Date.now();
    started.delete(String(job.attrs._id));
    const t = period(job);
    lastFire = Math.max(lastFire, start + Math.max(1, Math.ceil((Date.now() - start) / t)) * t);
  });
  lastLockTimer.set(agenda, () => lastFire);
  return agenda;
}

/** Resolves once the last lock-check timer of a stopped {@link testAgenda} has fired. */
export async function lockTimersDone(agenda: Agenda): Promise<void> {
  const fireAt = lastLockTimer.get(agenda);
  if (!fireAt) throw new Error('lockTimersDone needs an Agenda made by testAgenda');
  await sleep(Math.max(0, fireAt() - Date.now()) + 20);
}

/** Stops Agenda (unlocking its jobs, closing an owned file), then waits out its last pending lock-check timer. */
export async function stopAgenda(agenda: Agenda): Promise<void> {
  await agenda.stop();
  await lockTimersDone(agenda);
}

/** Waits until `check` is true or `timeoutMs` passed, without failing: a barrier for jobs that should overlap. */
export async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(5);
}
