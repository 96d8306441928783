/** Fault and load switches; all can be changed while the sandbox runs. */
export interface SandboxSwitches {
  /** Added to every auth response, in ms. */
  latencyMs: number;
  /** Share (0–1) of auth requests that fail before IDA processing. */
  failureRate: number;
  /** How an injected failure looks: HTTP 503, a hang with no answer (the client's timeout fires), or either. */
  failureMode: '5xx' | 'hang' | 'mixed';
  /** Auth requests per second beyond which the answer is HTTP 429; 0 = no cap. */
  maxRps: number;
  /**
   * Auth requests IDA works on at once (its finite capacity); beyond that they wait in arrival order, so latency
   * grows with the queue instead of an error coming back. 0 = no limit.
   */
  maxConcurrent: number;
}

export const DEFAULT_SWITCHES: SandboxSwitches = { latencyMs: 0, failureRate: 0, failureMode: 'mixed', maxRps: 0, maxConcurrent: 0 };

/**
 * At most `limit()` holders at once (0 or less: no limit), the others served in arrival order. The limit is read
 * again at every release and on `recheck()`, so a switch changed while running takes effect at once.
 */
export function createSlots(limit: () => number) {
  let busy = 0;
  const waiting: (() => void)[] = [];
  const grant = () => {
    while (waiting.length > 0 && (limit() <= 0 || busy < limit())) {
      busy++;
      waiting.shift()!();
    }
  };
  return {
    acquire: () => new Promise<void>((resolve) => (waiting.push(resolve), grant())),
    release: () => (busy--, grant()),
    recheck: grant,
    get busy() {
      return busy;
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/** A one-second fixed-window counter: cheap, and enough to make a client see 429s. */
export function createRateCap(clock: () => number) {
  let windowStart = 0;
  let count = 0;
  return (maxRps: number): boolean => {
    if (maxRps <= 0) return true;
    const t = clock();
    if (t - windowStart >= 1000) {
      windowStart = t;
      count = 0;
    }
    count++;
    return count <= maxRps;
  };
}

/** Decides, per request, whether to inject a failure and which: queued ones first, then by rate. */
export function createFaultPlan(random: () => number) {
  const queued: ('5xx' | 'hang')[] = [];
  return {
    queue(count: number, kind: '5xx' | 'hang'): void {
      for (let i = 0; i < count; i++) queued.push(kind);
    },
    next(s: SandboxSwitches): '5xx' | 'hang' | null {
      const q = queued.shift();
      if (q) return q;
      if (s.failureRate <= 0 || random() >= s.failureRate) return null;
      if (s.failureMode === 'mixed') return random() < 0.5 ? '5xx' : 'hang';
      return s.failureMode;
    },
  };
}
