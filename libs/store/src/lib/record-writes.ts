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

/** A new record's row values: its status and code, and its sealed columns (what both engines insert). */
export function sealNewRecord(keyring: DataKeyring, requestId: string, r: NewRecord) {
  const seal = (value: unknown, column: string) => sealValue(keyring, value, recordAad(requestId, r.lineNo, column));
  const output: OutputRecord | null = r.invalid
    ? { vid: r.invalid.vid, status: 'invalid', token: null, errorCode: r.invalid.code, errorMessage: r.invalid.message }
    : null;
  return {
    status: r.invalid ? 'invalid' : 'submitted',
    errorCode: r.invalid ? r.invalid.code : null,
    receivedCt: r.received === undefined ? null : seal(r.received, 'received'),
    inputCt: r.invalid ? null : seal(r.input ?? null, 'input'),
    outputCt: output ? seal(output, 'output') : null,
  };
}

/** An answer's row values: status, code, the sealed output record and the token's digest (both engines). */
export function sealAnswer(keyring: DataKeyring, digest: (token: string) => Buffer, requestId: string, a: RecordAnswer) {
  const output: OutputRecord = a.ok
    ? { vid: a.vid, status: 'processed', token: a.token, errorCode: null, errorMessage: null }
    : { vid: a.vid, status: 'error', token: null, errorCode: a.errorCode, errorMessage: a.errorMessage };
  return {
    status: output.status,
    errorCode: output.errorCode,
    outputCt: sealValue(keyring, output, recordAad(requestId, a.lineNo, 'output')),
    tokenDigest: a.ok ? digest(a.token) : null,
  };
}

/** Runs `fn` on `items` a batch at a time and adds up the numbers it returns. */
export async function inBatchesAsync<T, R extends Record<string, number>>(
  items: readonly T[],
  batchSize: number,
  fn: (b: readonly T[]) => Promise<R>,
): Promise<R> {
  let sum: Record<string, number> | undefined;
  for (let i = 0; i < items.length; i += batchSize) {
    const r = await fn(items.slice(i, i + batchSize));
    if (!sum) sum = { ...r };
    else for (const k of Object.keys(r)) sum[k] = (sum[k] ?? 0) + r[k]!;
  }
  return (sum ?? (await fn([]))) as R;
}

/** The batched record writes: one transaction per `batchSize` rows, counts kept exact in the same transaction. */
export function createRecordWrites(db: BetterSqlite3.Database, keyring: DataKeyring, batchSize: number, now: () => Date) {
  const tx = <A extends unknown[], R>(fn: (...args: A) => R) => immediate(db, fn);

  const insertRecord = db.prepare(
    `INSERT OR IGNORE INTO records (request_id, line_no, seq, chunk, status, error_code, received_ct, input_ct, output_ct, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Prepared once: a statement compiled per batch cost more than the batch's own counter update.
  const countInserted = db.prepare(
    `UPDATE requests SET total = total + ?, invalid_count = invalid_count + ?,
       ingested_line_no = MAX(ingested_line_no, ?), updated_at = ? WHERE id = ?`,
  );
  const countAnswered = db.prepare(
    `UPDATE requests SET processed_count = processed_count + ?, error_count = error_count + ?, updated_at = ? WHERE id = ?`,
  );
  const insertBatch = tx((requestId: string, batch: readonly NewRecord[]) => {
    let inserted = 0;
    let invalid = 0;
    let maxLine = -1;
    const t = now().getTime();
    for (const r of batch) {
      maxLine = Math.max(maxLine, r.lineNo);
      const v = sealNewRecord(keyring, requestId, r);
      const changes = insertRecord.run(requestId, r.lineNo, r.seq, r.chunk, v.status, v.errorCode, v.receivedCt, v.inputCt, v.outputCt, t).changes;
      inserted += changes;
      if (r.invalid) invalid += changes;
    }
    countInserted.run(inserted, invalid, maxLine, t, requestId);
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
      const v = sealAnswer(keyring, digest, requestId, a);
      const changes = answerRecord.run(v.status, v.errorCode, v.outputCt, v.tokenDigest, t, requestId, a.lineNo).changes;
      if (a.ok) processed += changes;
      else errors += changes;
    }
    countAnswered.run(processed, errors, t, requestId);
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
