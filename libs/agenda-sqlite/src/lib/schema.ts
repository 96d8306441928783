import { AgendaSqliteError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Table names go into SQL text (identifiers cannot be bound), so only plain identifiers pass. */
export function checkTableName(tableName: string): string {
  if (!IDENTIFIER.test(tableName)) {
    throw new AgendaSqliteError('INVALID_OPTIONS', 'tableName must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*)');
  }
  return tableName;
}

/**
 * DDL for the jobs table. Times are epoch milliseconds (INTEGER) so comparisons and indexes are numeric;
 * booleans are 0/1; `data` and `skip_days` are JSON text. `repeat_interval` is declared without a type so
 * SQLite keeps a number a number and a string a string (Agenda accepts both).
 */
export function schemaStatements(t: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS "${t}" (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      priority INTEGER NOT NULL DEFAULT 0,
      next_run_at INTEGER,
      type TEXT NOT NULL DEFAULT 'normal' CHECK (type IN ('normal', 'single')),
      locked_at INTEGER,
      last_finished_at INTEGER,
      failed_at INTEGER,
      fail_count INTEGER,
      fail_reason TEXT,
      repeat_timezone TEXT,
      last_run_at INTEGER,
      repeat_interval,
      data TEXT,
      repeat_at TEXT,
      disabled INTEGER NOT NULL DEFAULT 0,
      progress REAL,
      fork INTEGER NOT NULL DEFAULT 0,
      last_modified_by TEXT,
      debounce_started_at INTEGER,
      start_date INTEGER,
      end_date INTEGER,
      skip_days TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
    // The claim path for due, unlocked jobs: equality on name, range and order on next_run_at, then priority.
    `CREATE INDEX IF NOT EXISTS "${t}_claim_idx" ON "${t}" (name, next_run_at, priority DESC)
      WHERE disabled = 0 AND locked_at IS NULL`,
    // The claim path for expired locks (crashed workers): few rows, found by name and lock time.
    `CREATE INDEX IF NOT EXISTS "${t}_lock_idx" ON "${t}" (name, locked_at) WHERE locked_at IS NOT NULL`,
    // `every()` keeps one row per name: the database enforces it, not only the code.
    `CREATE UNIQUE INDEX IF NOT EXISTS "${t}_single_idx" ON "${t}" (name) WHERE type = 'single'`,
    `CREATE INDEX IF NOT EXISTS "${t}_name_idx" ON "${t}" (name)`,
    `CREATE INDEX IF NOT EXISTS "${t}_next_run_at_idx" ON "${t}" (next_run_at)`,
  ];
}

/** DDL for the optional job-event log table used when Agenda runs with `logging: true`. */
export function logSchemaStatements(t: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS "${t}" (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      timestamp INTEGER NOT NULL,
      level TEXT NOT NULL,
      event TEXT NOT NULL,
      job_id TEXT,
      job_name TEXT NOT NULL,
      message TEXT NOT NULL,
      duration INTEGER,
      error TEXT,
      fail_count INTEGER,
      retry_delay INTEGER,
      retry_attempt INTEGER,
      agenda_name TEXT,
      meta TEXT
    )`,
    `CREATE INDEX IF NOT EXISTS "${t}_job_idx" ON "${t}" (job_id, timestamp)`,
    `CREATE INDEX IF NOT EXISTS "${t}_name_idx" ON "${t}" (job_name, timestamp)`,
    `CREATE INDEX IF NOT EXISTS "${t}_time_idx" ON "${t}" (timestamp)`,
  ];
}
