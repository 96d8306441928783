/** Asks IDA whether it answers again: true on any IDA answer, false while it is unreachable. */
export type IdaProbe = () => Promise<boolean>;

export interface IdaWatchOptions {
  probe: IdaProbe;
  /** Pause between probes while somebody waits. */
  intervalMs: number;
  /** For tests. */
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void };
  clearTimer?: (handle: unknown) => void;
}

/**
 * One watch per worker process over IDA's reachability. A chunk that finds IDA down waits here instead of in the
 * queue's backoff (up to a minute), so its records go out within one probe interval of IDA's return: while
 * anybody waits, one probe at a time is sent every `intervalMs`, and any answer (a probe's or a record's) wakes
 * every waiter at once.
 */
export interface IdaWatch {
  /** Resolves true as soon as IDA answers again, false after `maxWaitMs` or on {@link close}. */
  waitForRecovery(maxWaitMs: number): Promise<boolean>;
  /** A record got an answer from IDA: it is up. */
  answered(): void;
  /** Wakes every waiter with false and stops probing (worker shutdown). */
  close(): void;
}

interface Waiter {
  resolve: (up: boolean) => void;
  deadline: unknown;
}

/**
 * @example
 * ```ts
 * const watch = createIdaWatch({ probe: () => probeIda(authenticator), intervalMs: 2000 });
 * if (await watch.waitForRecovery(60_000)) resendPending();
 * ```
 */
export function createIdaWatch(options: IdaWatchOptions): IdaWatch {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  const waiters = new Set<Waiter>();
  let probeTimer: unknown;
  let probing = false;
  let closed = false;

  const wake = (up: boolean) => {
    for (const w of waiters) {
      clearTimer(w.deadline);
      w.resolve(up);
    }
    waiters.clear();
    if (probeTimer !== undefined) clearTimer(probeTimer);
    probeTimer = undefined;
  };

  const schedule = () => {
    if (closed || probing || probeTimer !== undefined || waiters.size === 0) return;
    const handle = setTimer(() => {
      probeTimer = undefined;
      void runProbe();
    }, options.intervalMs);
    handle.unref?.();
    probeTimer = handle;
  };

  const runProbe = async () => {
    probing = true;
    let up = false;
    try {
      up = await options.probe();
    } catch {
      // A probe that throws has learnt nothing: IDA counts as still down.
      up = false;
    } finally {
      probing = false;
    }
    if (up) wake(true);
    else schedule();
  };

  return {
    waitForRecovery(maxWaitMs) {
      if (closed) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const waiter: Waiter = { resolve, deadline: undefined };
        const handle = setTimer(() => {
          waiters.delete(waiter);
          resolve(false);
        }, maxWaitMs);
        handle.unref?.();
        waiter.deadline = handle;
        waiters.add(waiter);
        schedule();
      });
    },
    answered() {
      if (waiters.size > 0) wake(true);
    },
    close() {
      closed = true;
      wake(false);
    },
  };
}

/** A synthetic individual id no identity has, so the probe authenticates nobody. */
export const PROBE_INDIVIDUAL_ID = '0000000000';

/**
 * The default probe: one demographic-auth call for {@link PROBE_INDIVIDUAL_ID}. IDA refuses it with its own error
 * (an answer, so it is up); only a transport failure that outlived the client's retries means still down.
 */
export function authenticatorProbe(authenticator: {
  authenticate(req: { individualId: string; demographics: Record<string, unknown> }): Promise<unknown>;
}): IdaProbe {
  return async () => {
    try {
      await authenticator.authenticate({ individualId: PROBE_INDIVIDUAL_ID, demographics: {} });
      return true;
    } catch (error) {
      return (error as { retryable?: unknown })?.retryable !== true;
    }
  };
}
