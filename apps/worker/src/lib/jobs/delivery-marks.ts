import type { DeliveryOutcome, Store } from '@mts/store';
import type { RecordMark } from '@mts/connectors';
import { createBatchWriter } from '../batch-writer.js';

// Marks are written in small batches as outcomes arrive, so a kill loses (and a re-run sends again) only a few.
const FLUSH_EVERY = 10;
const FLUSH_AFTER_MS = 100;

/** What {@link createDeliveryMarks} saw: counts and the first failure's code, for the request's status and the log. */
export interface DeliveryTally {
  delivered: number;
  failed: number;
  firstErrorCode: string | null;
}

/**
 * Records each per-record callback outcome in the store (`recordDeliveries`): a 2xx marks the record delivered for
 * good, a failure keeps it undelivered with its CALLBACK_* code. Written every {@link FLUSH_EVERY} outcomes or
 * {@link FLUSH_AFTER_MS} ms, whichever comes first; a failed write stops the sending, keeps its marks, and
 * `flush()` writes them and the rest (or rejects, and the job is retried).
 */
export function createDeliveryMarks(store: Store, requestId: string) {
  const tally: DeliveryTally = { delivered: 0, failed: 0, firstErrorCode: null };
  const marks = createBatchWriter<DeliveryOutcome>({
    write: (outcomes) => store.recordDeliveries(requestId, outcomes).then(() => undefined),
    maxItems: FLUSH_EVERY,
    maxDelayMs: FLUSH_AFTER_MS,
  });

  return {
    tally,
    /** One record's outcome: resolves once the batch it completed (if any) is written; throws after a failed write. */
    add(r: RecordMark): Promise<void> {
      // Marks that cannot be written: stop sending, rather than send what a re-run would send again. The marks
      // already queued stay queued for flush().
      if (marks.lastError) throw marks.lastError;
      const lineNo = r.lineNo;
      if (r.ok) tally.delivered++;
      else {
        tally.failed++;
        tally.firstErrorCode ??= r.errorCode ?? 'CALLBACK_FAILED';
      }
      return marks.add(r.ok ? { lineNo, ok: true } : { lineNo, ok: false, errorCode: r.errorCode ?? 'CALLBACK_FAILED' });
    },
    /** Writes the marks not yet written (after a failed write too); rejects if that fails. */
    flush(): Promise<void> {
      return marks.close();
    },
  };
}
