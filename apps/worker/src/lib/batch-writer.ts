/** Options of {@link createBatchWriter}. */
export interface BatchWriterOptions<T> {
  /** Writes one batch (at most `maxItems` items); a rejection keeps the batch queued for the next flush. */
  write(items: readonly T[]): Promise<void>;
  /** A batch is written as soon as this many items wait. */
  maxItems: number;
  /** …or this long after the first of them was added, whichever comes first. */
  maxDelayMs: number;
  /** Told about a write that failed in the background (timer or full batch); the items stay queued. */
  onBackgroundError?: (error: unknown) => void;
}

/** A buffer written in batches; see {@link createBatchWriter}. */
export interface BatchWriter<T> {
  /** Queues an item; resolves once the batch it completed (if any) was attempted. Never rejects. */
  add(item: T): Promise<void>;
  /** Writes everything queued (after a flush already running); rejects with the write's error, items kept. */
  flush(): Promise<void>;
  /** Stops the timer and writes the rest; {@link add} throws afterwards. Rejects like {@link flush}. */
  close(): Promise<void>;
  /** Items not yet written. */
  readonly pending: number;
  /** The error of the last write if it failed (cleared by a successful one). */
  readonly lastError: unknown;
}

/**
 * One buffer + timer + writer for records written to the store as they arrive. Items leave the buffer only once
 * written, so a failed write loses nothing: they go again with the next flush. Flushes run one at a time. A flush
 * nobody awaits (timer, full batch) owns its error: it is reported to `onBackgroundError`, never left unhandled.
 *
 * @example
 * ```ts
 * const writer = createBatchWriter({ write: (answers) => store.recordAnswers(id, answers), maxItems: 25, maxDelayMs: 100 });
 * await writer.add(answer);
 * await writer.close(); // throws if the rest cannot be written: the job fails and is retried
 * ```
 */
export function createBatchWriter<T>(options: BatchWriterOptions<T>): BatchWriter<T> {
  const { write, maxItems, maxDelayMs, onBackgroundError } = options;
  if (!(maxItems >= 1)) throw new RangeError('maxItems must be at least 1');
  const queue: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastError: unknown;
  let closed = false;
  // Items at the front of the queue that a write has in hand.
  let writing = 0;
  // The tail of the flushes so far (never rejects), so each flush starts after the previous one ends; and the
  // flush that waits to start, which later callers share rather than queue another.
  let tail: Promise<void> = Promise.resolve();
  let waiting: Promise<void> | undefined;

  const writeQueued = async (): Promise<void> => {
    waiting = undefined;
    while (queue.length > 0) {
      const batch = queue.slice(0, maxItems);
      writing = batch.length;
      try {
        await write(batch);
      } catch (error) {
        lastError = error;
        throw error;
      } finally {
        writing = 0;
      }
      lastError = undefined;
      // Only this function removes items, and one runs at a time, so the batch is still at the front.
      queue.splice(0, batch.length);
    }
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (waiting) return waiting;
    const run = tail.then(writeQueued);
    waiting = run;
    tail = run.catch(() => undefined);
    return run;
  };

  const inBackground = (): Promise<void> =>
    flush().catch((error: unknown) => {
      onBackgroundError?.(error);
    });

  return {
    add(item: T): Promise<void> {
      if (closed) throw new Error('batch writer is closed');
      queue.push(item);
      // After a failed write the timer paces the retries, rather than every new item.
      if (queue.length - writing >= maxItems && lastError === undefined) return inBackground();
      timer ??= setTimeout(() => {
        timer = undefined;
        void inBackground();
      }, maxDelayMs);
      return Promise.resolve();
    },
    flush,
    close(): Promise<void> {
      closed = true;
      return flush();
    },
    get pending() {
      return queue.length;
    },
    get lastError() {
      return lastError;
    },
  };
}
