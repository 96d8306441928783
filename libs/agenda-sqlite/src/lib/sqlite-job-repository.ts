import {
  computeJobState,
  type JobId,
  type JobParameters,
  type JobRepository,
  type JobRepositoryOptions,
  type JobsOverview,
  type JobsQueryOptions,
  type JobsResult,
  type JobsSort,
  type JobWithState,
  type RemoveJobsOptions,
} from 'agenda';
import type { SqliteConnection } from './connection.js';
import { AgendaSqliteError, wrapBusy } from './errors.js';
import { containsJson, queryFilter, selectionFilter, whereClause, type Filter } from './filters.js';
import { rowToJob, stateColumns, toMs, type JobRow } from './row.js';
import { saveJob } from './save-job.js';
import { schemaStatements } from './schema.js';

type Claimable = Pick<JobRow, 'id' | 'next_run_at' | 'priority'>;

const SORT_COLUMNS: Record<keyof JobsSort, string | undefined> = {
  nextRunAt: 'next_run_at', lastRunAt: 'last_run_at', lastFinishedAt: 'last_finished_at', priority: 'priority',
  name: 'name', data: undefined,
};

function orderBy(sort: JobsSort | undefined): string {
  const parts = Object.entries(sort ?? {}).flatMap(([key, dir]) => {
    const column = SORT_COLUMNS[key as keyof JobsSort];
    return column && dir ? [`${column} ${dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`] : [];
  });
  return parts.length > 0 ? parts.join(', ') : 'next_run_at DESC NULLS LAST, last_run_at DESC NULLS LAST';
}

/** Earlier nextRunAt first (null last), then higher priority: the order every Agenda backend claims in. */
function claimsBefore(a: Claimable, b: Claimable): boolean {
  if (a.next_run_at !== b.next_run_at) {
    if (a.next_run_at === null) return false;
    if (b.next_run_at === null) return true;
    return a.next_run_at < b.next_run_at;
  }
  return a.priority > b.priority;
}

/**
 * Agenda's {@link JobRepository} over one SQLite table. Every write that reads first runs in a BEGIN IMMEDIATE
 * transaction, so processes sharing the file claim each job at most once per lock lifetime.
 *
 * @example
 * ```ts
 * const backend = createSqliteBackend({ path: 'jobs.db' });
 * await backend.connect();
 * const job = await backend.repository.saveJob({ name: 'ping', priority: 0, nextRunAt: new Date(), type: 'normal', data: {} }, undefined);
 * ```
 */
export class SqliteJobRepository implements JobRepository {
  /** Unique-key indexes known to exist (see ensureUniqueIndex). */
  private readonly uniqueIndexes = new Set<string>();

  constructor(
    private readonly conn: SqliteConnection,
    readonly tableName: string,
    private readonly ensureSchema = true,
  ) {}

  async connect(): Promise<void> {
    const db = this.conn.open();
    this.uniqueIndexes.clear();
    if (this.ensureSchema) wrapBusy(() => db.transaction(() => schemaStatements(this.tableName).forEach((s) => db.exec(s))).immediate());
  }

  private rows(sql: string, params: unknown[] = []): JobRow[] {
    return this.conn.prepare(sql).all(params) as JobRow[];
  }

  /** Rows matching a filter, including the JS-side data containment check. */
  private matching(f: Filter, columns = '*', suffix = ''): JobRow[] {
    const rows = this.rows(`SELECT ${f.data === undefined ? columns : `${columns}, data AS _data`} FROM "${this.tableName}" ${whereClause(f)} ${suffix}`, f.params);
    if (f.data === undefined) return rows;
    return rows.filter((r) => containsJson(JSON.parse(((r as unknown as { _data: string | null })._data) ?? 'null'), f.data));
  }

  async queryJobs(options: JobsQueryOptions = {}): Promise<JobsResult> {
    const { state, skip = 0, limit = 0 } = options;
    const f = queryFilter(options);
    const t = this.tableName;
    const now = new Date();
    const withState = (job: JobParameters): JobWithState => ({ ...job, _id: job._id as JobId, state: computeJobState(job, now) });
    if (!state && f.data === undefined) {
      // No computed-state filter: count and paginate in SQL.
      const total = (this.conn.prepare(`SELECT COUNT(*) AS n FROM "${t}" ${whereClause(f)}`).get(f.params) as { n: number }).n;
      const page = limit > 0 ? `LIMIT ${Math.floor(limit)} OFFSET ${Math.floor(skip)}` : skip > 0 ? `LIMIT -1 OFFSET ${Math.floor(skip)}` : '';
      const jobs = this.rows(`SELECT * FROM "${t}" ${whereClause(f)} ORDER BY ${orderBy(options.sort)} ${page}`, f.params);
      return { jobs: jobs.map((r) => withState(rowToJob(r))), total };
    }
    const all = this.matching(f, '*', `ORDER BY ${orderBy(options.sort)}`)
      .map((r) => withState(rowToJob(r)))
      .filter((j) => !state || (state === 'paused' ? j.disabled === true : j.state === state));
    return { jobs: limit > 0 ? all.slice(skip, skip + limit) : all.slice(skip), total: all.length };
  }

  async getJobsOverview(): Promise<JobsOverview[]> {
    const now = new Date();
    const byName = new Map<string, JobsOverview>();
    const rows = this.rows(
      `SELECT name, next_run_at, locked_at, last_finished_at, failed_at, repeat_interval, disabled FROM "${this.tableName}" ORDER BY name`,
    );
    for (const r of rows) {
      let o = byName.get(r.name);
      if (!o) {
        o = { name: r.name, total: 0, running: 0, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 };
        byName.set(r.name, o);
      }
      const job = rowToJob({ ...r, data: null, skip_days: null } as JobRow);
      o.total++;
      o[computeJobState(job, now)]++;
      if (job.disabled) o.paused++;
    }
    return [...byName.values()];
  }

  async getDistinctJobNames(): Promise<string[]> {
    return this.rows(`SELECT DISTINCT name FROM "${this.tableName}" ORDER BY name`).map((r) => r.name);
  }

  async getJobById(id: string): Promise<JobParameters | null> {
    const row = this.conn.prepare(`SELECT * FROM "${this.tableName}" WHERE id = ?`).get(String(id)) as JobRow | undefined;
    return row ? rowToJob(row) : null;
  }

  async getQueueSize(): Promise<number> {
    return (this.conn.prepare(`SELECT COUNT(*) AS n FROM "${this.tableName}" WHERE next_run_at < ?`).get(Date.now()) as { n: number }).n;
  }

  /** Runs `action` (DELETE or UPDATE, without WHERE) on the rows a selection picks; 0 when nothing is selected. */
  private applyToSelection(options: RemoveJobsOptions, action: string, params: unknown[] = []): number {
    const f = selectionFilter(options);
    if (!f) return 0;
    return wrapBusy(() =>
      this.conn.immediate(() => {
        if (f.data === undefined) return this.conn.prepare(`${action} ${whereClause(f)}`).run([...params, ...f.params]).changes;
        const ids = this.matching(f, 'id').map((r) => r.id);
        return this.conn.prepare(`${action} WHERE id IN (SELECT value FROM json_each(?))`).run([...params, JSON.stringify(ids)]).changes;
      }),
    );
  }

  async removeJobs(options: RemoveJobsOptions): Promise<number> {
    return this.applyToSelection(options, `DELETE FROM "${this.tableName}"`);
  }

  async disableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.applyToSelection(options, `UPDATE "${this.tableName}" SET disabled = 1, updated_at = ?`, [Date.now()]);
  }

  async enableJobs(options: RemoveJobsOptions): Promise<number> {
    return this.applyToSelection(options, `UPDATE "${this.tableName}" SET disabled = 0, updated_at = ?`, [Date.now()]);
  }

  async purgeAllJobs(): Promise<number> {
    return wrapBusy(() => this.conn.prepare(`DELETE FROM "${this.tableName}"`).run().changes);
  }

  async saveJob<DATA = unknown>(job: JobParameters<DATA>, options: JobRepositoryOptions | undefined): Promise<JobParameters<DATA>> {
    const indexes = this.ensureSchema ? this.uniqueIndexes : undefined;
    return wrapBusy(() => saveJob(this.conn, this.tableName, job as JobParameters, options?.lastModifiedBy, indexes)) as JobParameters<DATA>;
  }

  async saveJobState(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<void> {
    if (!job._id) throw new AgendaSqliteError('JOB_NOT_FOUND', 'cannot save the state of a job without an id');
    const changes = wrapBusy(
      () =>
        this.conn
          .prepare(
            `UPDATE "${this.tableName}" SET locked_at = @locked_at, next_run_at = @next_run_at, last_run_at = @last_run_at,
             progress = @progress, fail_reason = @fail_reason, fail_count = @fail_count, failed_at = @failed_at,
             last_finished_at = @last_finished_at, last_modified_by = @by, updated_at = @now WHERE id = @id AND name = @name`,
          )
          .run({ ...stateColumns(job), by: options?.lastModifiedBy ?? null, now: Date.now(), id: String(job._id), name: job.name }).changes,
    );
    if (changes !== 1) {
      throw new AgendaSqliteError('JOB_NOT_FOUND', `job ${String(job._id)} (${job.name}) no longer exists, so its state was not saved`);
    }
  }

  async lockJob(job: JobParameters, options: JobRepositoryOptions | undefined): Promise<JobParameters | undefined> {
    if (!job._id) return undefined;
    const row = wrapBusy(() =>
      this.conn
        .prepare(
          `UPDATE "${this.tableName}" SET locked_at = ?, last_modified_by = ?, updated_at = ?
           WHERE id = ? AND name = ? AND locked_at IS NULL AND next_run_at IS ? AND disabled = 0 RETURNING *`,
        )
        .get([Date.now(), options?.lastModifiedBy ?? null, Date.now(), String(job._id), job.name, toMs(job.nextRunAt)]),
    ) as JobRow | undefined;
    return row ? rowToJob(row) : undefined;
  }

  async unlockJob(job: JobParameters): Promise<void> {
    if (!job._id) return;
    // A job whose nextRunAt is null is still being processed elsewhere, as in the Mongo backend: leave it locked.
    wrapBusy(() =>
      this.conn.prepare(`UPDATE "${this.tableName}" SET locked_at = NULL WHERE id = ? AND next_run_at IS NOT NULL`).run(String(job._id)),
    );
  }

  async unlockJobs(jobIds: (JobId | string)[]): Promise<void> {
    if (jobIds.length === 0) return;
    wrapBusy(() =>
      this.conn
        .prepare(`UPDATE "${this.tableName}" SET locked_at = NULL WHERE id IN (SELECT value FROM json_each(?))`)
        .run(JSON.stringify(jobIds.map(String))),
    );
  }

  async getNextJobToRun(
    jobName: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    options: JobRepositoryOptions | undefined,
  ): Promise<JobParameters | undefined> {
    const t = this.tableName;
    const lockTime = (now ?? new Date()).getTime();
    const row = wrapBusy(() =>
      this.conn.immediate(() => {
        // Two indexed probes (due and unlocked; lock expired) instead of one OR that no index serves.
        const due = this.conn
          .prepare(`SELECT id, next_run_at, priority FROM "${t}" WHERE name = ? AND disabled = 0 AND locked_at IS NULL
                    AND next_run_at <= ? ORDER BY next_run_at ASC, priority DESC LIMIT 1`)
          .get([jobName, nextScanAt.getTime()]) as Claimable | undefined;
        const expired = this.conn
          .prepare(`SELECT id, next_run_at, priority FROM "${t}" WHERE name = ? AND disabled = 0 AND locked_at IS NOT NULL
                    AND locked_at <= ? ORDER BY next_run_at ASC NULLS LAST, priority DESC LIMIT 1`)
          .get([jobName, lockDeadline.getTime()]) as Claimable | undefined;
        const pick = due && expired ? (claimsBefore(expired, due) ? expired : due) : (due ?? expired);
        if (!pick) return undefined;
        return this.conn
          .prepare(`UPDATE "${t}" SET locked_at = ?, last_modified_by = ?, updated_at = ? WHERE id = ? RETURNING *`)
          .get([lockTime, options?.lastModifiedBy ?? null, Date.now(), pick.id]) as JobRow;
      }),
    );
    return row ? rowToJob(row) : undefined;
  }
}
