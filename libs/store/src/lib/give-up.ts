import type BetterSqlite3 from 'better-sqlite3';
import type { DataKeyring } from './data-key.js';
import { wrapBusy } from './errors.js';
import { pendingPageSql } from './record-queries.js';
import { immediate, PENDING, recordAad } from './record-writes.js';
import type { OutputRecord } from './types.js';
import { openValue, sealValue } from './value-cipher.js';

/** Which pending records {@link Store.failPendingRecords} ends, and the error they end with. */
export interface FailPendingOptions {
  /** Only this chunk's records; every pending record of the request when omitted. */
  chunk?: number;
  /** The record's `errorCode` in the output, e.g. `ATS-REQ-100`. */
  errorCode: string;
  /** The record's `errorMessage`: a code and fixed text, never record contents. */
  errorMessage: string;
}

/** Result of {@link Store.failPendingRecords}: records this call moved from pending to `error`. */
export interface FailPendingResult {
  failed: number;
}

/**
 * The sealed output of a given-up record. The mapped input always carries the vid; when it cannot be opened (often
 * why the job gave up) the output has none.
 */
export function sealGivenUp(
  keyring: DataKeyring,
  requestId: string,
  row: { line_no: number; input_ct: Buffer | null },
  { errorCode, errorMessage }: Pick<FailPendingOptions, 'errorCode' | 'errorMessage'>,
): { lineNo: number; output: Buffer } {
  let vid: string | null = null;
  try {
    const opened = row.input_ct ? openValue<{ vid?: unknown } | null>(keyring, row.input_ct, recordAad(requestId, row.line_no, 'input'))?.vid : null;
    vid = typeof opened === 'string' ? opened : null;
  } catch {
    vid = null;
  }
  const output: OutputRecord = { vid, status: 'error', token: null, errorCode, errorMessage };
  return { lineNo: row.line_no, output: sealValue(keyring, output, recordAad(requestId, row.line_no, 'output')) };
}

/**
 * Ends records that will never get an answer (their job gave up): each still-pending one becomes status `error`
 * with the given code, and `error_count` grows in the same transaction by the rows actually changed, so a repeat
 * or a race with a late answer never counts a record twice and an answered record is never touched.
 */
export function createGiveUpWrites(db: BetterSqlite3.Database, keyring: DataKeyring, batchSize: number, now: () => Date) {
  const selectChunk = db.prepare(pendingPageSql('sqlite', true));
  const selectAll = db.prepare(pendingPageSql('sqlite', false));
  const failRecord = db.prepare(
    `UPDATE records SET status = 'error', error_code = ?, output_ct = ?, updated_at = ?
     WHERE request_id = ? AND line_no = ? AND ${PENDING}`,
  );
  const countErrors = db.prepare('UPDATE requests SET error_count = error_count + ?, updated_at = ? WHERE id = ?');

  const failBatch = immediate(db, (requestId: string, rows: readonly { lineNo: number; output: Buffer }[], code: string) => {
    const t = now().getTime();
    let failed = 0;
    for (const r of rows) failed += failRecord.run(code, r.output, t, requestId, r.lineNo).changes;
    countErrors.run(failed, t, requestId);
    return failed;
  });

  return {
    failPendingRecords(requestId: string, options: FailPendingOptions): FailPendingResult {
      const { chunk, errorCode, errorMessage } = options;
      let failed = 0;
      // A page at a time, each in its own transaction; a failed row is no longer pending, so the next page moves on.
      for (;;) {
        const page = wrapBusy(() =>
          chunk === undefined ? selectAll.all(requestId, batchSize) : selectChunk.all(requestId, chunk, batchSize),
        ) as { line_no: number; input_ct: Buffer | null }[];
        if (page.length === 0) return { failed };
        const rows = page.map((r) => sealGivenUp(keyring, requestId, r, { errorCode, errorMessage }));
        failed += failBatch(requestId, rows, errorCode);
      }
    },
  };
}
