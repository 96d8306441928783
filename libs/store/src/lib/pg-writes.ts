import type { DataKeyring } from './data-key.js';
import { createTokenDigest } from './duplicates.js';
import { sealGivenUp, type FailPendingOptions, type FailPendingResult } from './give-up.js';
import { numbered, type PgDb } from './pg-db.js';
import { MAX_CODE, type DeliveryOutcome, type RecordDeliveriesResult } from './record-delivery.js';
import { pendingPageSql } from './record-queries.js';
import { inBatchesAsync, PENDING, sealAnswer, sealNewRecord } from './record-writes.js';
import type { NewRecord, RecordAnswer } from './types.js';

/**
 * The batched record writes on PostgreSQL. Each batch is ONE statement (the rows through `unnest`, the request's
 * counters in the same statement), so it is atomic without holding a client, and safe with many processes: a row
 * another process changed first no longer matches its guard (PostgreSQL re-checks it after the row lock), so it is
 * neither changed nor counted twice.
 */
export function createPgWrites(db: PgDb, keyring: DataKeyring, batchSize: number, now: () => Date) {
  const digest = createTokenDigest(keyring);

  const insertBatch = async (requestId: string, batch: readonly NewRecord[]) => {
    const rows = batch.map((r) => ({ r, v: sealNewRecord(keyring, requestId, r) }));
    const [result] = await db.rows<{ inserted: number; invalid: number }>(
      `WITH ins AS (
         INSERT INTO records (request_id, line_no, seq, chunk, status, error_code, received_ct, input_ct, output_ct, updated_at)
         SELECT $1, u.line_no, u.seq, u.chunk, u.status, u.error_code, u.received_ct, u.input_ct, u.output_ct, $2
         FROM unnest($3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::bytea[], $9::bytea[], $10::bytea[])
           AS u(line_no, seq, chunk, status, error_code, received_ct, input_ct, output_ct)
         ON CONFLICT DO NOTHING
         RETURNING status
       ), n AS (SELECT COUNT(*) AS inserted, COUNT(*) FILTER (WHERE status = 'invalid') AS invalid FROM ins)
       UPDATE requests SET total = total + n.inserted, invalid_count = invalid_count + n.invalid,
         ingested_line_no = GREATEST(ingested_line_no, $11), updated_at = $2
       FROM n WHERE id = $1
       RETURNING n.inserted, n.invalid`,
      [
        requestId,
        now().getTime(),
        rows.map(({ r }) => r.lineNo),
        rows.map(({ r }) => r.seq),
        rows.map(({ r }) => r.chunk),
        rows.map(({ v }) => v.status),
        rows.map(({ v }) => v.errorCode),
        rows.map(({ v }) => v.receivedCt),
        rows.map(({ v }) => v.inputCt),
        rows.map(({ v }) => v.outputCt),
        Math.max(-1, ...batch.map((r) => r.lineNo)),
      ],
    );
    return { inserted: Number(result?.inserted ?? 0), invalid: Number(result?.invalid ?? 0) };
  };

  /** Sets status, code, sealed output (and digest) of rows still pending; counts them into the request's counters. */
  const answerRows = async (
    requestId: string,
    rows: readonly { lineNo: number; status: string; errorCode: string | null; outputCt: Buffer; tokenDigest: Buffer | null }[],
  ) => {
    if (rows.length === 0) return { processed: 0, errors: 0 };
    const [result] = await db.rows<{ processed: number; errors: number }>(
      `WITH upd AS (
         UPDATE records r SET status = u.status, error_code = u.error_code, output_ct = u.output_ct, token_digest = u.token_digest, updated_at = $2
         FROM unnest($3::int[], $4::text[], $5::text[], $6::bytea[], $7::bytea[]) AS u(line_no, status, error_code, output_ct, token_digest)
         WHERE r.request_id = $1 AND r.line_no = u.line_no AND r.${PENDING}
         RETURNING r.status
       ), n AS (SELECT COUNT(*) FILTER (WHERE status = 'processed') AS processed, COUNT(*) FILTER (WHERE status = 'error') AS errors FROM upd)
       UPDATE requests SET processed_count = processed_count + n.processed, error_count = error_count + n.errors, updated_at = $2
       FROM n WHERE id = $1
       RETURNING n.processed, n.errors`,
      [
        requestId,
        now().getTime(),
        rows.map((r) => r.lineNo),
        rows.map((r) => r.status),
        rows.map((r) => r.errorCode),
        rows.map((r) => r.outputCt),
        rows.map((r) => r.tokenDigest),
      ],
    );
    return { processed: Number(result?.processed ?? 0), errors: Number(result?.errors ?? 0) };
  };

  return {
    insertRecords: (requestId: string, records: readonly NewRecord[]) => inBatchesAsync(records, batchSize, (b) => insertBatch(requestId, b)),

    recordAnswers: async (requestId: string, answers: readonly RecordAnswer[]) => {
      const { processed, errors } = await inBatchesAsync(answers, batchSize, (b) =>
        answerRows(requestId, b.map((a) => ({ lineNo: a.lineNo, ...sealAnswer(keyring, digest, requestId, a) }))),
      );
      return { recorded: processed + errors };
    },

    // A page at a time, each one statement; a failed row is no longer pending, so the next page moves on.
    async failPendingRecords(requestId: string, options: FailPendingOptions): Promise<FailPendingResult> {
      const { chunk, errorCode, errorMessage } = options;
      let failed = 0;
      for (;;) {
        const page = await db.rows<{ line_no: number; input_ct: Buffer | null }>(
          numbered(pendingPageSql('postgres', chunk !== undefined)),
          chunk === undefined ? [requestId, batchSize] : [requestId, chunk, batchSize],
        );
        if (page.length === 0) return { failed };
        const rows = page.map((r) => sealGivenUp(keyring, requestId, r, { errorCode, errorMessage }));
        const { errors } = await answerRows(
          requestId,
          rows.map((r) => ({ lineNo: r.lineNo, status: 'error', errorCode, outputCt: r.output, tokenDigest: null })),
        );
        failed += errors;
      }
    },

    recordDeliveries: (requestId: string, outcomes: readonly DeliveryOutcome[]): Promise<RecordDeliveriesResult> =>
      inBatchesAsync(outcomes, batchSize, async (batch) => {
        if (batch.length === 0) return { delivered: 0, failed: 0 };
        const t = now().getTime();
        // A delivered record is never changed again: a repeated or late mark neither clears nor counts twice.
        const rows = await db.rows<{ ok: boolean }>(
          `UPDATE records r SET delivered_at = CASE WHEN u.ok THEN $2::bigint END,
             delivery_error = CASE WHEN u.ok THEN NULL ELSE u.code END, updated_at = $2
           FROM unnest($3::int[], $4::bool[], $5::text[]) AS u(line_no, ok, code)
           WHERE r.request_id = $1 AND r.line_no = u.line_no AND r.delivered_at IS NULL
           RETURNING u.ok`,
          [requestId, t, batch.map((o) => o.lineNo), batch.map((o) => o.ok), batch.map((o) => (o.ok ? null : String(o.errorCode).slice(0, MAX_CODE)))],
        );
        const delivered = rows.filter((r) => r.ok).length;
        return { delivered, failed: rows.length - delivered };
      }),
  };
}
