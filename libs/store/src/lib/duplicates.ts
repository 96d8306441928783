import { createHmac, hkdfSync } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { DataKeyring } from './data-key.js';
import { StoreError, wrapBusy } from './errors.js';
import { immediate } from './record-writes.js';

/** One group of the duplicate report: the input lines (never PII) whose records received the same token. */
export interface DuplicateGroup {
  /** 1-based, in order of each group's first line. */
  group: number;
  /** Ascending. */
  lineNos: number[];
}

/**
 * A keyed digest of a token: equal tokens give equal digests, and without the data key a digest tells nothing of
 * its token. Derived from the key current when the store opened, so groups are exact unless the key is rotated while
 * a request is being answered (its records may then fall in two groups).
 */
export function createTokenDigest(keyring: DataKeyring): (token: string) => Buffer {
  const key = Buffer.from(hkdfSync('sha256', keyring.current.key, Buffer.alloc(0), 'mts-token-digest-v1', 32));
  return (token) => createHmac('sha256', key).update(token).digest().subarray(0, 16);
}

/**
 * A record's bucket is its token digest's first byte, as `idx_records_token_bucket` keys it (migration 0007): records
 * sharing a token share a bucket, so the groups are found a range of buckets at a time.
 */
export const BUCKETS = 256;

/** The key of bucket `k`: its byte as two lowercase hex digits, as {@link TOKEN_BUCKET} gives it. */
export const bucketKey = (k: number) => k.toString(16).padStart(2, '0');

/**
 * A digest's bucket per engine: migration 0007's indexed expression (PostgreSQL compares the parsed expressions, so
 * the migration's extra parentheses do not matter), so the planner seeks the index on it.
 */
export const TOKEN_BUCKET = { sqlite: `lower(substr(hex(token_digest), 1, 2))`, postgres: `substr(encode(token_digest, 'hex'), 1, 2)` } as const;

/** About how many answered records one slice groups: the longest slice took 41 ms at 200,000 records and 70 ms at 1,000,000 (bench:duplicates). */
export const ROWS_PER_SLICE = 2000;

/**
 * The slices `indexDuplicates` works through, as inclusive ranges of bucket keys covering all 256 in order: one for
 * a small request (one statement, one round trip), up to one bucket each for a large one, so no slice holds the lock
 * (or the loop) long.
 */
export function bucketRanges(answered: number): [from: string, to: string][] {
  const slices = Math.min(BUCKETS, Math.max(1, Math.ceil(answered / ROWS_PER_SLICE)));
  return Array.from({ length: slices }, (_, i) => [
    bucketKey(Math.floor((i * BUCKETS) / slices)),
    bucketKey(Math.floor(((i + 1) * BUCKETS) / slices) - 1),
  ]);
}

/**
 * Inserts the duplicate rows of one slice (`?`s: request id, the first and the last bucket key of the slice). A re-run
 * inserts nothing new (ON CONFLICT): the answers are final, so are the groups.
 */
export const INDEX_SLICE_SQL = (engine: keyof typeof TOKEN_BUCKET) =>
  `INSERT INTO duplicates (request_id, group_no, line_no)
   SELECT request_id, first_line, line_no FROM (
     SELECT request_id, line_no,
       MIN(line_no) OVER (PARTITION BY token_digest) AS first_line,
       COUNT(*) OVER (PARTITION BY token_digest) AS n
     FROM records WHERE request_id = ? AND token_digest IS NOT NULL AND ${TOKEN_BUCKET[engine]} >= ? AND ${TOKEN_BUCKET[engine]} <= ?
   ) AS t WHERE n > 1
   ON CONFLICT DO NOTHING`;

/**
 * The duplicate report's writes and reads. The groups are indexed once, when every record is answered
 * ({@link indexDuplicates}), a range of buckets of the digest space at a time (records sharing a token share a
 * bucket); the report then reads them a page at a time, so neither step holds the request's tokens in memory: SQLite
 * finds a bucket's records through the partial bucket index and sorts and groups them. `duplicates.group_no` holds
 * the group's first line, so groups from different slices need no renumbering; the reader numbers them 1, 2, … in
 * that order.
 */
export function createDuplicates(db: BetterSqlite3.Database) {
  const selectGroups = db.prepare('SELECT duplicate_groups, processed_count FROM requests WHERE id = ?');
  const insertSlice = db.prepare(INDEX_SLICE_SQL('sqlite'));
  const countGroups = db.prepare('SELECT COUNT(DISTINCT group_no) AS n FROM duplicates WHERE request_id = ?');
  const setGroups = db.prepare('UPDATE requests SET duplicate_groups = ? WHERE id = ? AND duplicate_groups IS NULL');
  const page = db.prepare(GROUPS_PAGE_SQL);

  const state = (requestId: string) => {
    const row = wrapBusy(() => selectGroups.get(requestId)) as { duplicate_groups: number | null; processed_count: number } | undefined;
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${requestId}`);
    return row;
  };
  const known = (requestId: string): number | null => state(requestId).duplicate_groups;
  // A slice re-run after a crash inserts nothing new (ON CONFLICT): the answers are final, so are the groups.
  const indexSlice = immediate(db, (requestId: string, [from, to]: [string, string]) => {
    insertSlice.run(requestId, from, to);
  });
  const finish = immediate(db, (requestId: string): number => {
    const n = Number((countGroups.get(requestId) as { n: number }).n);
    setGroups.run(n, requestId);
    return known(requestId) ?? n;
  });

  async function indexDuplicates(requestId: string): Promise<number> {
    const { duplicate_groups: done, processed_count: answered } = state(requestId);
    if (done !== null) return done;
    for (const range of bucketRanges(Number(answered))) {
      indexSlice(requestId, range);
      await new Promise((r) => setImmediate(r));
    }
    return finish(requestId);
  }

  return {
    indexDuplicates,

    duplicateGroups: (requestId: string, { pageSize = 1000 }: { pageSize?: number } = {}): AsyncIterable<DuplicateGroup> =>
      readGroups((key, line) => wrapBusy(() => page.all(requestId, key, key, line, pageSize)) as GroupRow[], pageSize),
  };
}

/** A page of `duplicates` rows (`?`s: request id, after key twice, after line, page size). */
export const GROUPS_PAGE_SQL =
  'SELECT group_no, line_no FROM duplicates WHERE request_id = ? AND (group_no > ? OR (group_no = ? AND line_no > ?)) ORDER BY group_no, line_no LIMIT ?';

/** A `duplicates` row as both engines read it. */
export interface GroupRow {
  group_no: number;
  line_no: number;
}

/**
 * The groups from `duplicates` rows read a page at a time after (group key, line) in order, numbered 1, 2, … as
 * they come (a group's key is its first line, so groups from different slices need no renumbering).
 */
export async function* readGroups(
  page: (afterKey: number, afterLine: number) => GroupRow[] | Promise<GroupRow[]>,
  pageSize: number,
): AsyncIterable<DuplicateGroup> {
  let current: DuplicateGroup | null = null;
  let currentKey = -1;
  let number = 0;
  let after = { key: -1, line: -1 };
  for (;;) {
    const rows = await page(after.key, after.line);
    for (const r of rows) {
      const key = Number(r.group_no);
      if (current && currentKey !== key) {
        yield current;
        current = null;
      }
      if (!current) {
        currentKey = key;
        current = { group: ++number, lineNos: [] };
      }
      current.lineNos.push(Number(r.line_no));
    }
    if (rows.length < pageSize) break;
    const last = rows[rows.length - 1]!;
    after = { key: Number(last.group_no), line: Number(last.line_no) };
  }
  if (current) yield current;
}
