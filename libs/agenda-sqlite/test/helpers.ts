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
