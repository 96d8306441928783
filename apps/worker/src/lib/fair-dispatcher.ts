/** Runs tasks with a global in-flight cap, serving per-key queues round-robin so no key starves another. */
export interface FairDispatcher {
  /** Queues `task` under `key` (a request id); resolves or rejects with the task's outcome. */
  submit<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly inFlight: number;
  /** The in-flight cap now. */
  readonly maxInFlight: number;
  /**
   * Changes the cap (at least 1). A raise starts queued tasks at once; a cut lets running tasks finish and starts
   * none until fewer than the new cap run.
   */
  setMaxInFlight(n: number): void;
  /** Tasks waiting, by key. */
  queued(key?: string): number;
}

interface Entry {
  run: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Creates a fair dispatcher. Each call to the next free slot takes the head of the next key in rotation,
 * so two requests share IDA capacity equally whatever their sizes.
 *
 * @example
 * ```ts
 * const d = createFairDispatcher({ maxInFlight: 48 });
 * const result = await d.submit(requestId, () => authenticator.authenticate(req));
 * d.setMaxInFlight(64); // e.g. from an adaptive limiter
 * ```
 */
export function createFairDispatcher(options: { maxInFlight: number }): FairDispatcher {
  let max = Math.max(1, Math.floor(options.maxInFlight));
  const queues = new Map<string, Entry[]>();
  // Keys with queued work, in service order; a served key moves to the back.
  const rotation: string[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < max && rotation.length > 0) {
      const key = rotation.shift()!;
      const queue = queues.get(key)!;
      const entry = queue.shift()!;
      if (queue.length > 0) rotation.push(key);
      else queues.delete(key);
      inFlight++;
      entry
        .run()
        .then(entry.resolve, entry.reject)
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    submit<T>(key: string, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let queue = queues.get(key);
        if (!queue) {
          queue = [];
          queues.set(key, queue);
          rotation.push(key);
        }
        queue.push({ run: task, resolve: resolve as (v: unknown) => void, reject });
        pump();
      });
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return max;
    },
    setMaxInFlight(n) {
      max = Math.max(1, Math.floor(n));
      pump();
    },
    queued(key?: string) {
      if (key !== undefined) return queues.get(key)?.length ?? 0;
      let n = 0;
      for (const q of queues.values()) n += q.length;
      return n;
    },
  };
}
