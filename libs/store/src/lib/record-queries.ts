import { PENDING } from './record-writes.js';

// Record queries whose cost must not grow with the request's size, in `?` form for both engines (pg-db.ts's
// `numbered` turns them into `$n`). Their plans are checked in record-queries.test.ts.

/**
 * Any pending record of request `?`: one probe of idx_records_pending (migration 0006), however large the request.
 * SQLite is told the index: without ANALYZE's statistics it does not know the partial index is the small one and
 * takes idx_records_chunk, walking every answered record of the request before the first pending one.
 */
export const anyPendingSql = (engine: 'sqlite' | 'postgres') =>
  `SELECT 1 AS one FROM records ${engine === 'sqlite' ? 'INDEXED BY idx_records_pending ' : ''}WHERE request_id = ? AND ${PENDING} LIMIT 1`;

/**
 * A chunk's pending records in input order (`?`s: request id, chunk), read once per chunk: a seek to the chunk in
 * idx_records_pending and a sort of its few rows. SQLite is told the index: left to itself it reads the request in
 * `seq` order through idx_records_seq to skip the sort, filtering every record of the request, once per chunk.
 */
export const pendingInChunkSql = (engine: 'sqlite' | 'postgres') =>
  `SELECT line_no, seq, input_ct FROM records ${engine === 'sqlite' ? 'INDEXED BY idx_records_pending ' : ''}WHERE request_id = ? AND chunk = ? AND ${PENDING} ORDER BY seq`;

/**
 * A page of the pending records that a give-up ends (`?`s: request id, then the chunk when `inChunk`, then the page
 * size), in no particular order: an index seek bounded by the page. Each page's records stop being pending, so the
 * next page starts where this one did. With `ORDER BY seq` every page sorted all the request's pending records.
 */
export const pendingPageSql = (engine: 'sqlite' | 'postgres', inChunk: boolean) =>
  `SELECT line_no, input_ct FROM records ${engine === 'sqlite' ? 'INDEXED BY idx_records_pending ' : ''}WHERE request_id = ? ${inChunk ? 'AND chunk = ? ' : ''}AND ${PENDING} LIMIT ?`;

/**
 * The last line of the next erasure page (`?`s: request id, the previous page's last line, page size), or null when
 * none is left: a range of the primary key after where the last page stopped, never the erased rows again.
 */
export const ERASE_PAGE_END_SQL = `SELECT MAX(line_no) AS last FROM (
  SELECT line_no FROM records WHERE request_id = ? AND line_no > ? ORDER BY line_no LIMIT ?) AS page`;

/** Nulls the PII columns of one page (`?`s: request id, the page's bounds: after, up to and including). */
export const ERASE_PAGE_SQL = `UPDATE records SET received_ct = NULL, input_ct = NULL, output_ct = NULL
  WHERE request_id = ? AND line_no > ? AND line_no <= ?
    AND (received_ct IS NOT NULL OR input_ct IS NOT NULL OR output_ct IS NOT NULL)`;

/** Below any line number: the smallest INTEGER, so PostgreSQL takes it as one. */
export const BEFORE_FIRST_LINE = -2147483648;
