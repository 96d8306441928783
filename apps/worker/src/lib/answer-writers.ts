import type { RecordAnswer, Store } from '@mts/store';
import { createBatchWriter, type BatchWriter } from './batch-writer.js';

/** A chunk job's hold on its request's answer writer. */
export interface AnswerWriterLease {
  /** Queues an answer; resolves once the batch it completed (if any) was attempted. Never rejects; throws after release. */
  add(answer: RecordAnswer): Promise<void>;
  /** Writes every answer queued for the request so far, this chunk's and its siblings'; rejects if they cannot be. */
  flush(): Promise<void>;
  /** Flushes and lets go (the last holder's release closes the writer); rejects like {@link flush}. Call once. */
  release(): Promise<void>;
}

/** One answer writer per request, shared by the request's chunk jobs running in this process. */
export interface AnswerWriters {
  lease(requestId: string): AnswerWriterLease;
  /** Requests with a writer open (tests). */
  readonly open: number;
}

/** Options of {@link createAnswerWriters}. */
export interface AnswerWritersOptions {
  store: Pick<Store, 'recordAnswers'>;
  /** A batch is written as soon as this many answers of one request wait… */
  maxItems: number;
  /** …or this long after the first of them arrived. */
  maxDelayMs: number;
  /** Told about a background write that failed; its answers stay queued for the next one. */
  onBackgroundError?: (error: unknown) => void;
}

/**
 * Answers are written as they arrive, in batches bounded in size and in age, so a kill loses (and later re-sends)
 * only the last moments' answers. A request has several chunks in flight (K per request): one writer per request
 * rather than per chunk makes the same answers into a K-th as many transactions, each touching the request's counters
 * and the records' index pages once for more rows (half the SQLite time per answer at K = 4; PostgreSQL saves commits).
 *
 * @example
 * const lease = writers.lease(requestId);
 * try { for (const a of answers) await lease.add(a); } finally { await lease.release(); }
 */
export function createAnswerWriters(options: AnswerWritersOptions): AnswerWriters {
  const { store, maxItems, maxDelayMs, onBackgroundError } = options;
  const open = new Map<string, { writer: BatchWriter<RecordAnswer>; holders: number }>();

  return {
    lease(requestId) {
      let entry = open.get(requestId);
      if (!entry) {
        const writer = createBatchWriter<RecordAnswer>({
          write: async (batch) => void (await store.recordAnswers(requestId, batch)),
          maxItems,
          maxDelayMs,
          onBackgroundError,
        });
        entry = { writer, holders: 0 };
        open.set(requestId, entry);
      }
      entry.holders++;
      const held = entry;
      let released = false;
      return {
        add(answer) {
          if (released) throw new Error('answer writer lease already released');
          return held.writer.add(answer);
        },
        flush: () => held.writer.flush(),
        release() {
          if (released) return Promise.reject(new Error('answer writer lease released twice'));
          released = true;
          if (--held.holders > 0) return held.writer.flush();
          // A chunk leasing after this gets a new writer; this one only drains what it holds.
          if (open.get(requestId) === held) open.delete(requestId);
          return held.writer.close();
        },
      };
    },
    get open() {
      return open.size;
    },
  };
}
