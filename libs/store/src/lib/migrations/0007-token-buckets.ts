import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isPostgres } from './dialect.js';
import { createIndexOnline } from './online-index.js';

const NAME = 'idx_records_token_bucket';
/** The bucket of a digest, its first byte in hex: duplicates.ts's TOKEN_BUCKET, word for word (a query must repeat an indexed expression exactly). */
const BUCKET = { sqlite: `lower(substr(hex(token_digest), 1, 2))`, postgres: `(substr(encode(token_digest, 'hex'), 1, 2))` };

/**
 * The duplicate report's index, by the first byte of the token digest (256 buckets) instead of by the whole digest.
 * A digest is random, so `idx_records_token (request_id, token_digest)` took each answer at a random place in an
 * index as large as the request's answers: every commit of 100 answers dirtied as many of its pages, each written to
 * the WAL and again at the checkpoint, and read back from disk once the index outgrew the page cache. Within a bucket
 * the entries follow the rows' order, so answers add to the ends of 256 runs whose pages stay in the cache. The report
 * then sorts one bucket at a time (a 256th of the request), which groups equal tokens as before, since equal digests
 * share a bucket. bench:answers at 1,000,000 records: 63.0 → 38.4 µs of CPU and 86.9 → 50.2 µs of wall time per
 * answer; bench:duplicates: the longest block of the event loop while indexing 219 → 51 ms. Built online on
 * PostgreSQL, as 0006's index is.
 */
export class TokenBuckets1765000000000 implements MigrationInterface {
  name = 'TokenBuckets1765000000000';
  transaction: boolean | undefined = false;
  /** From how many records the PostgreSQL build is concurrent (tests lower it). */
  static concurrentlyFrom = 10_000;
  /** How long the concurrent build may wait for a lock or an older transaction (tests lower it). */
  static lockTimeoutMs = 60_000;

  async up(q: QueryRunner): Promise<void> {
    await createIndexOnline(q, {
      name: NAME,
      on: `records (request_id, ${isPostgres(q) ? BUCKET.postgres : BUCKET.sqlite}) WHERE token_digest IS NOT NULL`,
      concurrentlyFrom: TokenBuckets1765000000000.concurrentlyFrom,
      lockTimeoutMs: TokenBuckets1765000000000.lockTimeoutMs,
      replaces: ['idx_records_token'],
    });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS idx_records_token ON records (request_id, token_digest) WHERE token_digest IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS ${NAME}`);
  }
}

/** 0007 for SQLite: in a transaction (TypeORM's default), as for 0006. */
export class TokenBucketsSqlite1765000000000 extends TokenBuckets1765000000000 {
  override transaction = undefined;
}
