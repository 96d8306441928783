import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobParameters } from 'agenda';

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

/** The smallest surface of an Agenda instance the stop helper needs. */
interface Stoppable {
  stop(closeConnection?: boolean): Promise<void>;
}

/**
 * Stops Agenda, then waits out the lock-check timer Agenda leaves behind for each job it ran
 * (it fires at half the lock lifetime and then ends), so Jest exits with no open handle.
 */
export async function stopAgenda(agenda: Stoppable, lockLifetimeMs: number): Promise<void> {
  await agenda.stop();
  await sleep(lockLifetimeMs / 2 + 25);
}

/** Waits until `check` is true or `timeoutMs` passed, without failing: a barrier for jobs that should overlap. */
export async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(5);
}
