import { randomUUID } from 'node:crypto';
import type { JobParameters } from 'agenda';
import type { SqliteConnection } from './connection.js';
import { rowToJob, stateColumns, toMs, userColumns, type JobRow } from './row.js';
import { ensureUniqueIndex, uniqueKey } from './unique-key.js';

const USER_SET = `priority = @priority, next_run_at = @next_run_at, type = @type, repeat_timezone = @repeat_timezone,
  repeat_interval = @repeat_interval, data = @data, repeat_at = @repeat_at, disabled = @disabled, fork = @fork,
  last_modified_by = @last_modified_by, start_date = @start_date, end_date = @end_date, skip_days = @skip_days,
  updated_at = @now`;

const INSERT_COLUMNS = `id, name, priority, next_run_at, type, repeat_timezone, repeat_interval, data, repeat_at, disabled,
  fork, last_modified_by, start_date, end_date, skip_days, debounce_started_at, created_at, updated_at`;

const PROCESSOR_FIELDS = ['lockedAt', 'lastRunAt', 'lastFinishedAt', 'failedAt', 'failCount', 'failReason', 'progress'];

/**
 * Agenda's saveJob with the Mongo/Postgres backends' semantics, run inside one IMMEDIATE transaction so that
 * `single` and `unique` upserts are atomic even across processes:
 * - with `_id`: update that job's user fields (processor fields only when given), or return the job unchanged if gone;
 * - `type: 'single'` (every): one row per name; a due nextRunAt does not move an existing schedule;
 * - `unique`: update the matching job (or return it untouched with insertOnly), with debounce handling; the key gets
 *   an index on first use unless `uniqueIndexes` is undefined (ensureSchema off);
 * - otherwise insert.
 */
export function saveJob(
  conn: SqliteConnection,
  t: string,
  job: JobParameters,
  lastModifiedBy: string | undefined,
  uniqueIndexes: Set<string> | undefined,
): JobParameters {
  const { _id, unique, uniqueOpts, ...props } = job;
  const now = Date.now();
  const user = { ...userColumns(props, lastModifiedBy), now };
  const returning = (sql: string, params: unknown) => conn.prepare(sql).get(params) as JobRow | undefined;
  const insert = (debounceStartedAt: number | null, nextRunAt = user.next_run_at) =>
    rowToJob(
      returning(
        `INSERT INTO "${t}" (${INSERT_COLUMNS}) VALUES (@id, @name, @priority, @next_run_at, @type, @repeat_timezone,
         @repeat_interval, @data, @repeat_at, @disabled, @fork, @last_modified_by, @start_date, @end_date, @skip_days,
         @debounce_started_at, @now, @now) RETURNING *`,
        { ...user, id: randomUUID(), next_run_at: nextRunAt, debounce_started_at: debounceStartedAt },
      ) as JobRow,
    );

  return conn.immediate(() => {
    if (_id) {
      const given = props as Record<string, unknown>;
      const state = stateColumns(job) as Record<string, unknown>;
      const extra = PROCESSOR_FIELDS.filter((k) => k in given).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      if ('debounceStartedAt' in given) extra.push('debounce_started_at');
      const params: Record<string, unknown> = { ...user, id: String(_id), debounce_started_at: toMs(job.debounceStartedAt) };
      for (const column of extra) if (column in state) params[column] = state[column];
      const set = [USER_SET, ...extra.map((c) => `${c} = @${c}`)].join(', ');
      const row = returning(`UPDATE "${t}" SET ${set} WHERE id = @id AND name = @name RETURNING *`, params);
      return row ? rowToJob(row) : job;
    }
    if (props.type === 'single') {
      const existing = returning(`SELECT * FROM "${t}" WHERE name = ? AND type = 'single'`, [props.name]);
      if (!existing) return insert(null);
      // A due nextRunAt (e.g. every() called again at start-up) keeps the stored schedule, as Mongo's $setOnInsert does.
      const keep = user.next_run_at !== null && user.next_run_at <= now && existing.next_run_at !== null;
      const next = keep ? existing.next_run_at : user.next_run_at;
      return rowToJob(returning(`UPDATE "${t}" SET ${USER_SET} WHERE id = @id RETURNING *`, { ...user, next_run_at: next, id: existing.id }) as JobRow);
    }
    if (unique) {
      const key = uniqueKey(unique);
      if (uniqueIndexes) ensureUniqueIndex(conn, t, key, uniqueIndexes);
      const existing = returning(
        `SELECT * FROM "${t}" WHERE name = ? AND ${key.conditions.join(' AND ') || '1'} LIMIT 1`,
        [props.name, ...key.params],
      );
      const debounce = uniqueOpts?.debounce;
      if (!existing) {
        if (!debounce) return insert(null);
        return insert(now, debounce.strategy === 'leading' ? user.next_run_at : now + debounce.delay);
      }
      if (uniqueOpts?.insertOnly && !debounce) return rowToJob(existing);
      let next = user.next_run_at;
      let started: number | null = null;
      if (debounce) {
        started = existing.debounce_started_at ?? now;
        if (debounce.strategy === 'leading') {
          next = existing.next_run_at;
        } else if (debounce.maxWait !== undefined && now - started >= debounce.maxWait) {
          next = now; // waited long enough: run now and start a fresh debounce window next time
          started = null;
        } else {
          next = now + debounce.delay;
        }
      }
      return rowToJob(
        returning(`UPDATE "${t}" SET ${USER_SET}, debounce_started_at = @debounce_started_at WHERE id = @id RETURNING *`, {
          ...user, next_run_at: next, debounce_started_at: started, id: existing.id,
        }) as JobRow,
      );
    }
    return insert(null);
  });
}
