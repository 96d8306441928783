import type { JobId, JobParameters } from 'agenda';

/** A row of the jobs table as better-sqlite3 returns it. */
export interface JobRow {
  id: string;
  name: string;
  priority: number;
  next_run_at: number | null;
  type: 'normal' | 'single';
  locked_at: number | null;
  last_finished_at: number | null;
  failed_at: number | null;
  fail_count: number | null;
  fail_reason: string | null;
  repeat_timezone: string | null;
  last_run_at: number | null;
  repeat_interval: string | number | null;
  data: string | null;
  repeat_at: string | null;
  disabled: number;
  progress: number | null;
  fork: number;
  last_modified_by: string | null;
  debounce_started_at: number | null;
  start_date: number | null;
  end_date: number | null;
  skip_days: string | null;
  created_at: number;
  updated_at: number;
}

type DateLike = Date | string | number | null | undefined;

/** Agenda hands over Dates, but attrs restored from JSON may hold ISO strings: accept both. */
export function toMs(value: DateLike): number | null {
  if (value === null || value === undefined) return null;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function toDate(ms: number | null): Date | undefined {
  return ms === null ? undefined : new Date(ms);
}

/** JSON text for `data`; `undefined` stays SQL NULL so it reads back as undefined, like a missing Mongo field. */
export function dataToText(data: unknown): string | null {
  return data === undefined ? null : JSON.stringify(data);
}

export function rowToJob(row: JobRow): JobParameters {
  return {
    _id: row.id as JobId,
    name: row.name,
    priority: row.priority,
    nextRunAt: row.next_run_at === null ? null : new Date(row.next_run_at),
    type: row.type,
    lockedAt: toDate(row.locked_at),
    lastFinishedAt: toDate(row.last_finished_at),
    failedAt: toDate(row.failed_at),
    failCount: row.fail_count ?? undefined,
    failReason: row.fail_reason ?? undefined,
    repeatTimezone: row.repeat_timezone ?? undefined,
    lastRunAt: toDate(row.last_run_at),
    repeatInterval: row.repeat_interval ?? undefined,
    data: row.data === null ? undefined : JSON.parse(row.data),
    repeatAt: row.repeat_at ?? undefined,
    disabled: row.disabled === 1,
    progress: row.progress ?? undefined,
    fork: row.fork === 1 ? true : undefined,
    lastModifiedBy: row.last_modified_by ?? undefined,
    debounceStartedAt: toDate(row.debounce_started_at),
    startDate: toDate(row.start_date),
    endDate: toDate(row.end_date),
    skipDays: row.skip_days === null ? undefined : (JSON.parse(row.skip_days) as number[]),
  };
}

/**
 * The user-settable columns of a job (everything `Job.save()` sends), as named SQL parameters.
 * Processor-managed fields (lockedAt, lastRunAt, failures, progress) are written by saveJobState only.
 */
export function userColumns(job: Partial<JobParameters>, lastModifiedBy: string | undefined) {
  return {
    name: job.name,
    priority: job.priority ?? 0,
    next_run_at: toMs(job.nextRunAt),
    type: job.type ?? 'normal',
    repeat_timezone: job.repeatTimezone ?? null,
    repeat_interval: job.repeatInterval ?? null,
    data: dataToText(job.data),
    repeat_at: job.repeatAt ?? null,
    disabled: job.disabled ? 1 : 0,
    fork: job.fork ? 1 : 0,
    last_modified_by: lastModifiedBy ?? null,
    start_date: toMs(job.startDate),
    end_date: toMs(job.endDate),
    skip_days: job.skipDays ? JSON.stringify(job.skipDays) : null,
  };
}

/** Processor-managed columns of a job as named SQL parameters (saveJobState). */
export function stateColumns(job: JobParameters) {
  return {
    locked_at: toMs(job.lockedAt),
    next_run_at: toMs(job.nextRunAt),
    last_run_at: toMs(job.lastRunAt),
    progress: job.progress ?? null,
    fail_reason: job.failReason ?? null,
    fail_count: job.failCount ?? null,
    failed_at: toMs(job.failedAt),
    last_finished_at: toMs(job.lastFinishedAt),
  };
}
