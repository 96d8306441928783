import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexOnline } from './online-index.js';

const NAME = 'idx_records_pending';
const COLUMNS = `records (request_id, chunk) WHERE status IN ('submitted', 'processing')`;

/**
 * The records still waiting for an answer, indexed apart: "is anything of this request pending?" is asked each time a
 * chunk finishes, and through the (request_id, chunk, status) index it visited every record of the request, so a
 * 1,000,000-record request paid O(N) per chunk, O(N²) in all. Partial, so an answered record leaves it (and costs
 * no further index space). Its WHERE is record-writes.ts's PENDING, word for word: both engines use a partial
 * index only for queries whose WHERE holds that same term.
 *
 * On PostgreSQL a table of `concurrentlyFrom` records or more gets its index built CONCURRENTLY: a plain CREATE INDEX
 * holds off every write to `records` while it reads the whole table, which on a database that already holds millions
 * of records stops the service for as long. CONCURRENTLY cannot run inside a transaction, hence `transaction = false`
 * (the migration is re-runnable: an interrupted concurrent build leaves an invalid index, dropped and built again
 * here). It also waits for every transaction in the database older than itself, so a smaller table, where a plain
 * build takes milliseconds, is indexed plainly; and it gives up after `lockTimeoutMs` of waiting (lock_timeout), so
 * that a process of an older release, waiting inside pg_advisory_lock for the migration lock this process holds
 * (and so holding a snapshot the build waits for), cannot hold it up for ever: the migration fails, is retried, and
 * in the end the process exits and is restarted, having let the older one migrate.
 *
 * SQLite runs it in a transaction like every other migration ({@link PendingIndexSqlite1764900000000}): two
 * processes opening one file at once then record it once.
 */
export class PendingIndex1764900000000 implements MigrationInterface {
  name = 'PendingIndex1764900000000';
  transaction: boolean | undefined = false;
  /** From how many records the PostgreSQL build is concurrent (tests lower it). */
  static concurrentlyFrom = 10_000;
  /** How long the concurrent build may wait for a lock or an older transaction (tests lower it). */
  static lockTimeoutMs = 60_000;

  async up(q: QueryRunner): Promise<void> {
    await createIndexOnline(q, {
      name: NAME,
      on: COLUMNS,
      concurrentlyFrom: PendingIndex1764900000000.concurrentlyFrom,
      lockTimeoutMs: PendingIndex1764900000000.lockTimeoutMs,
    });
  }

  async down(q: QueryRunner): Promise<void> {
    // Plain: a drop is quick, and TypeORM undoes a migration inside a transaction whatever `transaction` says.
    await q.query(`DROP INDEX IF EXISTS ${NAME}`);
  }
}

/** 0006 for SQLite: in a transaction (TypeORM's default), as the plain build there needs nothing else. */
export class PendingIndexSqlite1764900000000 extends PendingIndex1764900000000 {
  override transaction = undefined;
}
