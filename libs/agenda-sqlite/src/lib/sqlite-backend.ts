import type { AgendaBackend } from 'agenda';
import type Database from 'better-sqlite3';
import { SqliteConnection } from './connection.js';
import { checkTableName } from './schema.js';
import { SqliteJobLogger } from './sqlite-job-logger.js';
import { SqliteJobRepository } from './sqlite-job-repository.js';

/** Options of {@link createSqliteBackend}: give exactly one of `path` or `database`. */
export interface SqliteBackendOptions {
  /** Database file, created if missing (`':memory:'` for a private in-memory database). Opened in WAL mode. */
  path?: string;
  /** An open better-sqlite3 handle you own: not closed on disconnect; set WAL and busy_timeout on it yourself. */
  database?: Database.Database;
  /** Jobs table (default `agenda_jobs`). */
  tableName?: string;
  /** Job-event log table, used only when Agenda runs with `logging: true` (default `agenda_logs`). */
  logTableName?: string;
  /** Create the table and indexes on connect (default true). */
  ensureSchema?: boolean;
  /** How long to wait for another process's write lock, in ms (default 5000; files opened from `path` only). */
  busyTimeoutMs?: number;
}

/**
 * Agenda's backend over SQLite: storage plus the job-event logger. It has no notification channel, so Agenda
 * polls every `processEvery`; in one process, `new Agenda({ notificationChannel: new InMemoryNotificationChannel() })`
 * makes `now()` jobs start without waiting for the next poll.
 */
export class SqliteBackend implements AgendaBackend {
  readonly name = 'SQLite';
  readonly repository: SqliteJobRepository;
  readonly logger: SqliteJobLogger;
  private readonly connection: SqliteConnection;

  constructor(options: SqliteBackendOptions) {
    this.connection = new SqliteConnection(options);
    this.repository = new SqliteJobRepository(this.connection, checkTableName(options.tableName ?? 'agenda_jobs'), options.ensureSchema ?? true);
    this.logger = new SqliteJobLogger(this.connection, checkTableName(options.logTableName ?? 'agenda_logs'));
  }

  /** True when the backend opened the file itself (then `agenda.stop()` closes it). */
  get ownsConnection(): boolean {
    return this.connection.ownsConnection;
  }

  /** Whether the database is open (between connect and disconnect). */
  get connected(): boolean {
    return this.connection.isOpen;
  }

  /** Opens the file (again, after a disconnect) and ensures the schema. Agenda calls this from its constructor. */
  async connect(): Promise<void> {
    await this.repository.connect();
  }

  /** Closes the file if the backend opened it; a handle passed as `database` stays open. */
  async disconnect(): Promise<void> {
    this.connection.close();
  }
}

/**
 * Creates an Agenda 6 backend that keeps jobs in SQLite, so the embedded service needs no other server.
 * Several processes may share one file: claims run in BEGIN IMMEDIATE transactions, so a job runs once.
 *
 * @example
 * ```ts
 * import { Agenda } from 'agenda';
 * import { createSqliteBackend } from '@mts/agenda-sqlite';
 *
 * const agenda = new Agenda({ backend: createSqliteBackend({ path: 'data/jobs.db' }), processEvery: 500 });
 * agenda.define('hello', async (job) => console.log('hello', job.attrs.data));
 * await agenda.start();
 * await agenda.now('hello', { to: 'world' });
 * ```
 */
export function createSqliteBackend(options: SqliteBackendOptions): SqliteBackend {
  return new SqliteBackend(options);
}
