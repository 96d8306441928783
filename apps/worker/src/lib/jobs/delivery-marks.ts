import type { DeliveryOutcome, Store } from '@mts/store';
import type { RecordDelivery } from '@mts/callback';

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
 * {@link FLUSH_AFTER_MS} ms, whichever comes first; `flush()` writes the rest and reports a failed write.
 */
export function createDeliveryMarks(store: Store, requestId: string) {
  const tally: DeliveryTally = { delivered: 0, failed: 0, firstErrorCode: null };
  let buffer: DeliveryOutcome[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writes = Promise.resolve();
  // A write that fails on the timer is kept and thrown from flush(), not left as an unhandled rejection.
  let writeError: unknown;

  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const outcomes = buffer;
    buffer = [];
    if (outcomes.length > 0) {
      writes = writes
        .then(() => store.recordDeliveries(requestId, outcomes))
        .then(
          () => undefined,
          (error: unknown) => void (writeError ??= error),
        );
    }
    return writes;
  };

  return {
    tally,
    /** An onResult for deliverCallback: resolves once the batch it completed (if any) is written; throws after a failed write. */
    add(r: RecordDelivery): Promise<void> | void {
      // Marks that cannot be written: stop sending, rather than send what a re-run would send again.
      if (writeError) throw writeError;
      const lineNo = Number(r.key);
      if (r.ok) tally.delivered++;
      else {
        tally.failed++;
        tally.firstErrorCode ??= r.errorCode ?? 'CALLBACK_FAILED';
      }
      buffer.push(r.ok ? { lineNo, ok: true } : { lineNo, ok: false, errorCode: r.errorCode ?? 'CALLBACK_FAILED' });
      if (buffer.length >= FLUSH_EVERY) return write();
      timer ??= setTimeout(() => void write(), FLUSH_AFTER_MS);
    },
    async flush(): Promise<void> {
      await write();
      if (writeError) throw writeError;
    },
  };
}
