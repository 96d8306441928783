import type { QueryRunner } from 'typeorm';
import { isPostgres } from './dialect.js';
import { OnlineIndexMigration, type OnlineIndex } from './online-index.js';

const NAME = 'idx_records_token_bucket';
/**
 * The bucket of a digest, its first byte in hex: duplicates.ts's TOKEN_BUCKET (the queries must use the same
 * expression). Written out here, not imported: a migration stays what it was when it ran, whatever the code becomes.
 */
const BUCKET = { sqlite: `lower(substr(hex(token_digest), 1, 2))`, postgres: `(substr(encode(token_digest, 'hex'), 1, 2))` };

/**
 * The duplicate report's index, by the first byte of the token digest (256 buckets) instead of by the whole digest.
 * A digest is random, so `idx_records_token (request_id, token_digest)` took each answer at a random place in an
 * index as large as the request's answers: every commit of 100 answers dirtied as many of its pages, each written to
 * the WAL and again at the checkpoint, and read back from disk once the index outgrew the page cache. Within a bucket
 * the entries follow the rows' order, so answers add to the ends of 256 runs whose pages stay in the cache. The report
 * then groups a range of buckets at a time (about 2,000 answers), which finds the same groups, since equal digests
 * share a bucket. bench:answers at 1,000,000 records on SQLite: 63.0 → 38.4 µs of CPU and 86.9 → 50.2 µs of wall time
 * per answer; bench:duplicates: the longest block of the event loop while indexing 219 → 70 ms. On PostgreSQL
 * (100,000 records) the answers cost the same before and after. Built online on PostgreSQL, as 0006's index is.
 *
 * A process of an earlier release still asks for the groups by ranges of the whole digest, which no index serves
 * now: it gets the right groups, slowly (each of its 64 slices reads the whole request: ~0.55 s at 200,000 records on
 * SQLite, measured in review, holding the write lock). Upgrade every process together; going back to an earlier release needs `down()`.
 */
export class TokenBuckets1765000000000 extends OnlineIndexMigration {
  name = 'TokenBuckets1765000000000';

  protected index(q: QueryRunner): OnlineIndex {
    const bucket = isPostgres(q) ? BUCKET.postgres : BUCKET.sqlite;
    return { name: NAME, on: `records (request_id, ${bucket}) WHERE token_digest IS NOT NULL`, replaces: ['idx_records_token'] };
  }

  async down(q: QueryRunner): Promise<void> {
    // Plain builds: TypeORM undoes a migration inside a transaction whatever `transaction` says.
    await q.query(`CREATE INDEX IF NOT EXISTS idx_records_token ON records (request_id, token_digest) WHERE token_digest IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS ${NAME}`);
  }
}

/** 0007 for SQLite: in a transaction (TypeORM's default), as for 0006. */
export class TokenBucketsSqlite1765000000000 extends TokenBuckets1765000000000 {
  override transaction = undefined;
}
