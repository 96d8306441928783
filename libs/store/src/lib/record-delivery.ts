import type BetterSqlite3 from 'better-sqlite3';
import { wrapBusy } from './errors.js';
import { immediate } from './record-writes.js';

/** Records whose callback has not had a 2xx yet. */
export const UNDELIVERED = 'delivered_at IS NULL';

/** The outcome of one record's callback: a 2xx, or the CALLBACK_* code it failed with (a code only, no text). */
export type DeliveryOutcome = { lineNo: number; ok: true } | { lineNo: number; ok: false; errorCode: string };

/** Result of {@link Store.recordDeliveries}: rows this call changed (already delivered ones are left alone). */
export interface RecordDeliveriesResult {
  delivered: number;
  failed: number;
}

// Codes are short and fixed; anything longer is not a code and is cut rather than stored whole.
export const MAX_CODE = 64;

/**
 * Per-record callback marks. A delivered record is never changed again, so a repeated or late mark (a re-run after a
 * crash re-sends the few records whose marks were lost) neither clears a delivery nor counts twice.
 */
export function createDeliveryMarks(db: BetterSqlite3.Database, batchSize: number, now: () => Date) {
  const markDelivered = db.prepare(
    `UPDATE records SET delivered_at = ?, delivery_error = NULL, updated_at = ?
     WHERE request_id = ? AND line_no = ? AND ${UNDELIVERED}`,
  );
  const markFailed = db.prepare(
    `UPDATE records SET delivery_error = ?, updated_at = ? WHERE request_id = ? AND line_no = ? AND ${UNDELIVERED}`,
  );
  const countUndelivered = db.prepare(`SELECT COUNT(*) AS n FROM records WHERE request_id = ? AND ${UNDELIVERED}`);

  const markBatch = immediate(db, (requestId: string, batch: readonly DeliveryOutcome[]) => {
    const t = now().getTime();
    const result: RecordDeliveriesResult = { delivered: 0, failed: 0 };
    for (const o of batch) {
      if (o.ok) result.delivered += markDelivered.run(t, t, requestId, o.lineNo).changes;
      else result.failed += markFailed.run(String(o.errorCode).slice(0, MAX_CODE), t, requestId, o.lineNo).changes;
    }
    return result;
  });

  return {
    recordDeliveries(requestId: string, outcomes: readonly DeliveryOutcome[]): RecordDeliveriesResult {
      const total: RecordDeliveriesResult = { delivered: 0, failed: 0 };
      for (let i = 0; i < outcomes.length; i += batchSize) {
        const r = markBatch(requestId, outcomes.slice(i, i + batchSize));
        total.delivered += r.delivered;
        total.failed += r.failed;
      }
      return total;
    },
    countUndelivered(requestId: string): number {
      return Number((wrapBusy(() => countUndelivered.get(requestId)) as { n: number }).n);
    },
  };
}
