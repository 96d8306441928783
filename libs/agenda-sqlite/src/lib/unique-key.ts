import { createHash } from 'node:crypto';
import type { SqliteConnection } from './connection.js';
import { AgendaSqliteError } from './errors.js';
import { jsonPath, sqliteJsonScalar } from './filters.js';
import { dataToText } from './row.js';

/** Columns a `unique` key may name directly (identifiers cannot be bound, so keys are checked against this). */
const UNIQUE_COLUMNS: Record<string, string> = {
  name: 'name', priority: 'priority', nextRunAt: 'next_run_at', type: 'type', lockedAt: 'locked_at',
  lastFinishedAt: 'last_finished_at', failedAt: 'failed_at', failCount: 'fail_count', failReason: 'fail_reason',
  repeatTimezone: 'repeat_timezone', lastRunAt: 'last_run_at', repeatInterval: 'repeat_interval',
  repeatAt: 'repeat_at', disabled: 'disabled', progress: 'progress', fork: 'fork', lastModifiedBy: 'last_modified_by',
  startDate: 'start_date', endDate: 'end_date',
};

/** A `unique` object as SQL: conditions with bound values, and the expressions an index over them needs. */
export interface UniqueKey {
  conditions: string[];
  params: unknown[];
  expressions: string[];
}

function columnValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

/**
 * Reads Agenda's `unique` object (a Mongo-style query: `data.a.b` paths into data, or top-level fields).
 * JSON paths are written into the SQL as literals, not bound, so SQLite can match them to an expression index;
 * they are safe there because {@link jsonPath} refuses `"` and single quotes are doubled.
 */
export function uniqueKey(unique: Record<string, unknown>): UniqueKey {
  const key: UniqueKey = { conditions: [], params: [], expressions: [] };
  for (const [field, value] of Object.entries(unique)) {
    let expression: string;
    if (field === 'data') {
      expression = 'data';
      value === null || value === undefined ? key.conditions.push('data IS NULL') : key.conditions.push('data = ?');
      if (value !== null && value !== undefined) key.params.push(dataToText(value));
    } else if (field.startsWith('data.')) {
      const path = jsonPath(field.slice(5).split('.'));
      if (path === undefined) throw new AgendaSqliteError('INVALID_UNIQUE_FIELD', 'a unique key path may not contain "');
      expression = `json_extract(data, '${path.replace(/'/g, "''")}')`;
      if (value === null || value === undefined) key.conditions.push(`${expression} IS NULL`);
      else if (typeof value === 'object') (key.conditions.push(`${expression} = json(?)`), key.params.push(JSON.stringify(value)));
      else (key.conditions.push(`${expression} = ?`), key.params.push(sqliteJsonScalar(value)));
    } else {
      const column = UNIQUE_COLUMNS[field];
      if (!column) throw new AgendaSqliteError('INVALID_UNIQUE_FIELD', `unsupported unique field "${field.slice(0, 40)}"`);
      expression = column;
      if (value === null || value === undefined) key.conditions.push(`${column} IS NULL`);
      else (key.conditions.push(`${column} = ?`), key.params.push(columnValue(value)));
    }
    if (expression !== 'name') key.expressions.push(expression);
  }
  return key;
}

/**
 * Creates (once per process, idempotently across processes) an index over `name` and a unique key's expressions.
 * Without it each `unique()` save scans every job of that name, so enqueuing n chunk jobs costs O(n²).
 */
export function ensureUniqueIndex(conn: SqliteConnection, t: string, key: UniqueKey, known: Set<string>): void {
  const expressions = [...new Set(key.expressions)].sort();
  if (expressions.length === 0) return;
  const signature = expressions.join(', ');
  if (known.has(signature)) return;
  const hash = createHash('sha256').update(signature).digest('hex').slice(0, 12);
  conn.db.exec(`CREATE INDEX IF NOT EXISTS "${t}_unique_${hash}" ON "${t}" (name, ${signature})`);
  known.add(signature);
}
