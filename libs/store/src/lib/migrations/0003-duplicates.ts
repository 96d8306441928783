import type { MigrationInterface, QueryRunner } from 'typeorm';
import { columnTypes } from './dialect.js';

/**
 * The duplicate report: `records.token_digest` (a keyed digest of the token IDA returned, never the token), the
 * request's `duplicate_groups` (null until the groups are indexed), and `duplicates`, one row per record that shares
 * its token with another record of the request, numbered by group in order of each group's first line.
 */
export class Duplicates1764500000000 implements MigrationInterface {
  name = 'Duplicates1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE records ADD COLUMN token_digest ${columnTypes(q).bytes}`);
    // Partial: records without a token (errors, invalid, not yet answered) cost the index nothing.
    await q.query(`CREATE INDEX idx_records_token ON records (request_id, token_digest) WHERE token_digest IS NOT NULL`);
    await q.query(`ALTER TABLE requests ADD COLUMN duplicate_groups INTEGER`);
    await q.query(`CREATE TABLE duplicates (
      request_id TEXT NOT NULL REFERENCES requests(id) ON DELETE CASCADE,
      group_no INTEGER NOT NULL,
      line_no INTEGER NOT NULL,
      PRIMARY KEY (request_id, group_no, line_no)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE duplicates`);
    await q.query(`ALTER TABLE requests DROP COLUMN duplicate_groups`);
    await q.query(`DROP INDEX idx_records_token`);
    await q.query(`ALTER TABLE records DROP COLUMN token_digest`);
  }
}
