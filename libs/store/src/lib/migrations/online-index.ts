import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isPostgres } from './dialect.js';

/** How an index is built on a table that may already hold millions of rows. */
export interface OnlineIndexOptions extends OnlineIndex {
  /** From how many rows of `table` PostgreSQL builds it CONCURRENTLY. */
  concurrentlyFrom: number;
  /** How long PostgreSQL's build may wait for a lock or an older transaction (lock_timeout), in ms. */
  lockTimeoutMs: number;
}

/** The index itself: what a migration that builds one declares. */
export interface OnlineIndex {
  /** The index's name (unique in the schema). */
  name: string;
  /** What follows `ON`: the table, the key and any `WHERE`. */
  on: string;
  /** The table counted for `concurrentlyFrom`. Default `records`. */
  table?: string;
  /** Indexes this one replaces, dropped once it is built (CONCURRENTLY on PostgreSQL when it was). */
  replaces?: readonly string[];
}

/**
 * Builds an index without stopping the service (see migration 0006, which introduced the approach).
 *
 * On PostgreSQL a table of `concurrentlyFrom` rows or more gets its index built CONCURRENTLY: a plain CREATE INDEX
 * holds off every write to the table while it reads all of it. CONCURRENTLY cannot run in a transaction (the migration
 * sets `transaction = false`), leaves an invalid index when interrupted (dropped and built again here), and waits for
 * every older transaction in the database, so a small table is indexed plainly, and the wait gives up after
 * `lockTimeoutMs`: the migration fails, is retried, and in the end the process exits and is restarted.
 *
 * On SQLite the statements run plainly, in the migration's transaction.
 */
export async function createIndexOnline(q: QueryRunner, o: OnlineIndexOptions): Promise<void> {
  const replaces = o.replaces ?? [];
  if (!isPostgres(q)) {
    await q.query(`CREATE INDEX IF NOT EXISTS ${o.name} ON ${o.on}`);
    for (const old of replaces) await q.query(`DROP INDEX IF EXISTS ${old}`);
    return;
  }
  const [left] = (await q.query(
    `SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace`,
    [o.name],
  )) as { valid: boolean }[];
  await q.query(`SET lock_timeout = ${Math.max(1, Math.round(o.lockTimeoutMs))}`);
  try {
    if (left && !left.valid) await q.query(`DROP INDEX CONCURRENTLY ${o.name}`);
    const [{ n }] = (await q.query(`SELECT COUNT(*)::int AS n FROM (SELECT 1 FROM ${o.table ?? 'records'} LIMIT $1) AS r`, [o.concurrentlyFrom])) as { n: number }[];
    const concurrently = n >= o.concurrentlyFrom ? 'CONCURRENTLY ' : '';
    await q.query(`CREATE INDEX ${concurrently}IF NOT EXISTS ${o.name} ON ${o.on}`);
    for (const old of replaces) await q.query(`DROP INDEX ${concurrently}IF EXISTS ${old}`);
  } finally {
    // The connection goes back to the pool.
    await q.query('RESET lock_timeout');
  }
}

/**
 * A migration that builds one index with {@link createIndexOnline}: outside a transaction, as CONCURRENTLY needs on
 * PostgreSQL (its SQLite variant sets `transaction` back to undefined, TypeORM's default, so that two processes
 * opening one file at once record it once). The knobs are static per migration class, so a test can lower one
 * migration's without touching another's.
 */
export abstract class OnlineIndexMigration implements MigrationInterface {
  abstract name: string;
  transaction: boolean | undefined = false;
  /** From how many records the PostgreSQL build is concurrent (tests lower it). */
  static concurrentlyFrom = 10_000;
  /** How long the concurrent build may wait for a lock or an older transaction (tests lower it). */
  static lockTimeoutMs = 60_000;

  /** The index this migration builds, on the engine `q` runs on. */
  protected abstract index(q: QueryRunner): OnlineIndex;

  async up(q: QueryRunner): Promise<void> {
    const knobs = this.constructor as typeof OnlineIndexMigration;
    await createIndexOnline(q, { ...this.index(q), concurrentlyFrom: knobs.concurrentlyFrom, lockTimeoutMs: knobs.lockTimeoutMs });
  }

  abstract down(q: QueryRunner): Promise<void>;
}
