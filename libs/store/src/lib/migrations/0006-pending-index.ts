import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records still waiting for an answer, indexed apart: "is anything of this request pending?" is asked each time a
 * chunk finishes, and through the (request_id, chunk, status) index it visited every record of the request, so a
 * 1,000,000-record request paid O(N) per chunk, O(N²) in all. Partial, so an answered record leaves it (and costs
 * no further index space). Its WHERE is record-writes.ts's PENDING, word for word: both engines use a partial
 * index only for queries whose WHERE holds that same term. Dialect-neutral SQL (SQLite and PostgreSQL).
 */
export class PendingIndex1764900000000 implements MigrationInterface {
  name = 'PendingIndex1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_records_pending ON records (request_id, chunk) WHERE status IN ('submitted', 'processing')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_records_pending`);
  }
}
