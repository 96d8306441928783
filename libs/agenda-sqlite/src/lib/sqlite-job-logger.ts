import type { JobLogEntry, JobLogger, JobLogQuery, JobLogQueryResult } from 'agenda';
import type { SqliteConnection } from './connection.js';
import { logSchemaStatements } from './schema.js';

interface LogRow {
  id: number; timestamp: number; level: JobLogEntry['level']; event: JobLogEntry['event']; job_id: string | null;
  job_name: string; message: string; duration: number | null; error: string | null; fail_count: number | null;
  retry_delay: number | null; retry_attempt: number | null; agenda_name: string | null; meta: string | null;
}

const orNone = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/**
 * Agenda's persistent job-event log in a table beside the jobs (used when Agenda runs with `logging: true`).
 * The table is created on first use. Entries hold what Agenda writes: job names, ids, messages, error text.
 */
export class SqliteJobLogger implements JobLogger {
  private ready = false;

  constructor(
    private readonly conn: SqliteConnection,
    readonly tableName: string,
  ) {}

  private table(): string {
    if (!this.ready) {
      const db = this.conn.db;
      db.transaction(() => logSchemaStatements(this.tableName).forEach((s) => db.exec(s))).immediate();
      this.ready = true;
    }
    return this.tableName;
  }

  async log(entry: Omit<JobLogEntry, '_id'>): Promise<void> {
    this.conn
      .prepare(
        `INSERT INTO "${this.table()}" (timestamp, level, event, job_id, job_name, message, duration, error, fail_count,
         retry_delay, retry_attempt, agenda_name, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run([
        entry.timestamp.getTime(), entry.level, entry.event, entry.jobId ?? null, entry.jobName, entry.message,
        entry.duration ?? null, entry.error ?? null, entry.failCount ?? null, entry.retryDelay ?? null,
        entry.retryAttempt ?? null, entry.agendaName ?? null, entry.meta ? JSON.stringify(entry.meta) : null,
      ]);
  }

  private where(query: JobLogQuery): { sql: string; params: unknown[] } {
    const c: string[] = [];
    const params: unknown[] = [];
    const list = (column: string, v: string | string[] | undefined) => {
      if (v === undefined) return;
      c.push(`${column} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(Array.isArray(v) ? v : [v]));
    };
    if (query.jobId) (c.push('job_id = ?'), params.push(query.jobId));
    if (query.jobName) (c.push('job_name = ?'), params.push(query.jobName));
    list('level', query.level);
    list('event', query.event);
    if (query.from) (c.push('timestamp >= ?'), params.push(query.from.getTime()));
    if (query.to) (c.push('timestamp <= ?'), params.push(query.to.getTime()));
    return { sql: c.length > 0 ? `WHERE ${c.join(' AND ')}` : '', params };
  }

  async getLogs(query: JobLogQuery = {}): Promise<JobLogQueryResult> {
    const t = this.table();
    const w = this.where(query);
    const total = (this.conn.prepare(`SELECT COUNT(*) AS n FROM "${t}" ${w.sql}`).get(w.params) as { n: number }).n;
    const dir = query.sort === 'asc' ? 'ASC' : 'DESC';
    const rows = this.conn
      .prepare(`SELECT * FROM "${t}" ${w.sql} ORDER BY timestamp ${dir}, id ${dir} LIMIT ? OFFSET ?`)
      .all([...w.params, Math.floor(query.limit ?? 50), Math.floor(query.offset ?? 0)]) as LogRow[];
    const entries = rows.map((r) => ({
      _id: String(r.id), timestamp: new Date(r.timestamp), level: r.level, event: r.event, jobId: orNone(r.job_id),
      jobName: r.job_name, message: r.message, duration: orNone(r.duration), error: orNone(r.error),
      failCount: orNone(r.fail_count), retryDelay: orNone(r.retry_delay), retryAttempt: orNone(r.retry_attempt),
      agendaName: orNone(r.agenda_name), meta: r.meta === null ? undefined : (JSON.parse(r.meta) as Record<string, unknown>),
    }));
    return { entries, total };
  }

  async clearLogs(query: JobLogQuery = {}): Promise<number> {
    const t = this.table();
    const w = this.where(query);
    return this.conn.prepare(`DELETE FROM "${t}" ${w.sql}`).run(w.params).changes;
  }
}
