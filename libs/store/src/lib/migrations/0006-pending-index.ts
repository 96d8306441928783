import type { QueryRunner } from 'typeorm';
import { OnlineIndexMigration, type OnlineIndex } from './online-index.js';

const NAME = 'idx_records_pending';
const COLUMNS = `records (request_id, chunk) WHERE status IN ('submitted', 'processing')`;

/**
 * The records still waiting for an answer, indexed apart: "is anything of this request pending?" is asked each time a
 * chunk finishes, and through the (request_id, chunk, status) index it visited every record of the request, so a
 * 1,000,000-record request paid O(N) per chunk, O(N²) in all. Partial, so an answered record leaves it (and costs
 * no further index space). Its WHERE is record-writes.ts's PENDING, word for word: both engines use a partial
 * index only for queries whose WHERE holds that same term.
 *
 * Built online (online-index.ts): CONCURRENTLY on a PostgreSQL table of `concurrentlyFrom` records or more, with a
 * `lockTimeoutMs` past which the migration fails and is retried, so that a process of an older release waiting for
 * the migration lock this process holds (and so holding a snapshot the build waits for) cannot hold it up for ever.
 */
export class PendingIndex1764900000000 extends OnlineIndexMigration {
  name = 'PendingIndex1764900000000';

  protected index(): OnlineIndex {
    return { name: NAME, on: COLUMNS };
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
