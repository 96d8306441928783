import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AgendaSqliteError } from './errors.js';

/** How the backend reaches its database: a file it opens itself, or a handle the caller owns. */
export interface ConnectionOptions {
  path?: string;
  database?: Database.Database;
  busyTimeoutMs?: number;
}

/**
 * One better-sqlite3 handle, opened on connect and closed on disconnect when we opened it.
 * Prepared statements are cached by SQL text: filters vary, but only over a small set of shapes.
 */
export class SqliteConnection {
  readonly ownsConnection: boolean;
  private handle: Database.Database | undefined;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly options: ConnectionOptions) {
    if ((options.path === undefined) === (options.database === undefined)) {
      throw new AgendaSqliteError('INVALID_OPTIONS', 'give exactly one of `path` or `database`');
    }
    this.ownsConnection = options.database === undefined;
  }

  get isOpen(): boolean {
    return this.handle?.open === true;
  }

  open(): Database.Database {
    if (this.handle?.open) return this.handle;
    if (this.options.database) {
      if (!this.options.database.open) throw new AgendaSqliteError('NOT_CONNECTED', 'the given database is closed');
      this.handle = this.options.database;
      return this.handle;
    }
    const path = this.options.path as string;
    let db: Database.Database;
    try {
      if (path !== '' && path !== ':memory:' && !path.startsWith('file:')) {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        makePrivate(path);
      }
      db = new Database(path);
    } catch (error) {
      throw new AgendaSqliteError('OPEN_FAILED', 'could not open the job database file', { cause: error });
    }
    // WAL lets readers run while one process writes; busy_timeout makes a second process wait for the
    // write lock instead of failing at once; NORMAL sync is durable across process crashes in WAL mode.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(this.options.busyTimeoutMs ?? 5000))}`);
    db.pragma('synchronous = NORMAL');
    this.handle = db;
    return db;
  }

  close(): void {
    this.statements.clear();
    if (this.ownsConnection && this.handle?.open) this.handle.close();
    this.handle = undefined;
  }

  get db(): Database.Database {
    if (!this.handle?.open) throw new AgendaSqliteError('NOT_CONNECTED', 'the SQLite backend is not connected');
    return this.handle;
  }

  prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs fn in a BEGIN IMMEDIATE transaction: the write lock is taken before reading, so two processes never
   * both see the same job as free (a deferred transaction would read first and could then fail to upgrade). */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}

/**
 * Job data can name people (request ids, callback URLs): the file is 0600 whatever the umask. Created empty with
 * that mode before SQLite opens it (SQLite gives -wal and -shm the database file's mode); files left readable by an
 * earlier run are chmodded.
 */
function makePrivate(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
