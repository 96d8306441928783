import type BetterSqlite3 from 'better-sqlite3';
import type { DataKeyring } from './data-key.js';
import { wrapBusy } from './errors.js';
import type { NewRecord, OutputRecord, RecordAnswer } from './types.js';
import { createTokenDigest } from './duplicates.js';
import { sealValue } from './value-cipher.js';

/** Statuses of records still waiting for an answer. */
export const PENDING = `status IN ('submitted', 'processing')`;

/** Associated data binding a sealed record column to its row and column. */
export const recordAad = (requestId: string, lineNo: number, column: string) => `${requestId}/${lineNo}/${column}`;

/**
 * Wraps `fn` in a better-sqlite3 transaction run as BEGIN IMMEDIATE: synchronous transactions cannot interleave
 * within the process, and take the write lock up front instead of failing to upgrade under another process.
 */
export function immediate<A extends unknown[], R>(db: BetterSqlite3.Database, fn: (...args: A) => R): (...args: A) => R {
  const t = db.transaction(fn);
  return (...args: A): R => wrapBusy(() => t.immediate(...args));
}

/** The batched record writes: one transaction per `batchSize` rows, counts kept exact in the same transaction. */
export function createRecordWrites(db: BetterSqlite3.Database, keyring: DataKeyring, batchSize: number, now: () => Date) {
  const tx = <A extends unknown[], R>(fn: (...args: A) => R) => immediate(db, fn);
  const seal = (value: unknown, aad: string) => sealValue(keyring, value, aad);
  const aad = recordAad;

  const insertRecord = db.prepare(
    `INSERT OR IGNORE INTO records (request_id, line_no, seq, chunk, status, error_code, received_ct, input_ct, output_ct, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertBatch = tx((requestId: string, batch: readonly NewRecord[]) => {
    let inserted = 0;
    let invalid = 0;
    let maxLine = -1;
    const t = now().getTime();
    for (const r of batch) {
      maxLine = Math.max(maxLine, r.lineNo);
      const output: OutputRecord | null = r.invalid
        ? { vid: r.invalid.vid, status: 'invalid', token: null, errorCode: r.invalid.code, errorMessage: r.invalid.message }
        : null;
      const changes = insertRecord.run(
        requestId,
        r.lineNo,
        r.seq,
        r.chunk,
        r.invalid ? 'invalid' : 'submitted',
        r.invalid ? r.invalid.code : null,
        r.received === undefined ? null : seal(r.received, aad(requestId, r.lineNo, 'received')),
        r.invalid ? null : seal(r.input ?? null, aad(requestId, r.lineNo, 'input')),
        output ? seal(output, aad(requestId, r.lineNo, 'output')) : null,
        t,
      ).changes;
      inserted += changes;
      if (r.invalid) invalid += changes;
    }
    db.prepare(
      `UPDATE requests SET total = total + ?, invalid_count = invalid_count + ?,
         ingested_line_no = MAX(ingested_line_no, ?), updated_at = ? WHERE id = ?`,
    ).run(inserted, invalid, maxLine, t, requestId);
    return { inserted, invalid };
  });

  const answerRecord = db.prepare(
    `UPDATE records SET status = ?, error_code = ?, output_ct = ?, token_digest = ?, updated_at = ?
     WHERE request_id = ? AND line_no = ? AND ${PENDING}`,
  );
  const digest = createTokenDigest(keyring);
  const answerBatch = tx((requestId: string, batch: readonly RecordAnswer[]) => {
    let processed = 0;
    let errors = 0;
    const t = now().getTime();
    for (const a of batch) {
      const output: OutputRecord = a.ok
        ? { vid: a.vid, status: 'processed', token: a.token, errorCode: null, errorMessage: null }
        : { vid: a.vid, status: 'error', token: null, errorCode: a.errorCode, errorMessage: a.errorMessage };
      const changes = answerRecord.run(
        output.status,
        output.errorCode,
        seal(output, aad(requestId, a.lineNo, 'output')),
        a.ok ? digest(a.token) : null,
        t,
        requestId,
        a.lineNo,
      ).changes;
      if (a.ok) processed += changes;
      else errors += changes;
    }
    db.prepare(
      `UPDATE requests SET processed_count = processed_count + ?, error_count = error_count + ?, updated_at = ? WHERE id = ?`,
    ).run(processed, errors, t, requestId);
    return { recorded: processed + errors };
  });

  function inBatches<T, R extends Record<string, number>>(items: readonly T[], fn: (b: readonly T[]) => R): R {
    let sum: Record<string, number> | undefined;
    for (let i = 0; i < items.length; i += batchSize) {
      const r = fn(items.slice(i, i + batchSize));
      if (!sum) sum = { ...r };
      else for (const k of Object.keys(r)) sum[k] = (sum[k] ?? 0) + r[k]!;
    }
    return (sum ?? fn([])) as R;
  }

  return {
    insertRecords: (requestId: string, records: readonly NewRecord[]) => inBatches(records, (b) => insertBatch(requestId, b)),
    recordAnswers: (requestId: string, answers: readonly RecordAnswer[]) => inBatches(answers, (b) => answerBatch(requestId, b)),
  };
}
