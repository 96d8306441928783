// Wake-ups between the supervised processes of one worker, so that a request's chunks spread evenly over them.
//
// Without a notification channel every process finds new jobs by polling (MTS_POLL_INTERVAL_MS), and a job saved at a
// random moment goes to whichever process polls next: the phases of the processes' poll timers decide the split (up to
// 4 : 1 measured with two), and the process with less sits idle between its chunks. With this channel a process that
// saves a job tells its supervisor, and the supervisor wakes the process running the fewest jobs, which looks for due
// jobs of that name at once. Polling stays as the fallback (a wake-up lost with a dying process, a job due later, a
// retry).
import { BaseNotificationChannel, type JobNotification } from 'agenda';

/** The `type` of each wake-up message on a supervised child's IPC channel. */
export const WAKE_MESSAGE = {
  /** child → supervisor: how many jobs the child runs now (sent on connect and whenever it changes). */
  load: 'mts:load',
  /** child → supervisor: the child saved a job; wake whichever process should take it (loads as last reported). */
  saved: 'mts:job-saved',
  /** child → supervisor: the child is draining; wake it no more. */
  leave: 'mts:leave',
  /** supervisor → child: look for due jobs of this name now. */
  wake: 'mts:wake',
} as const;

/** A job notification as it crosses IPC (JSON: dates as ISO strings, the id as a string). */
export interface WireNotification {
  jobId: string;
  jobName: string;
  nextRunAt: string | null;
  priority: number;
  timestamp: string;
}

/** What the channel needs of its IPC link: `process` in a forked child. */
export interface IpcPort {
  readonly connected?: boolean;
  send?(message: unknown, callback: (error: Error | null) => void): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

const toWire = (n: JobNotification): WireNotification => ({
  jobId: String(n.jobId),
  jobName: n.jobName,
  nextRunAt: n.nextRunAt ? n.nextRunAt.toISOString() : null,
  priority: n.priority,
  timestamp: n.timestamp.toISOString(),
});

const fromWire = (w: WireNotification): JobNotification => ({
  jobId: w.jobId as JobNotification['jobId'],
  jobName: w.jobName,
  nextRunAt: w.nextRunAt === null ? null : new Date(w.nextRunAt),
  priority: w.priority,
  timestamp: new Date(w.timestamp),
});

function isWire(value: unknown): value is WireNotification {
  const w = value as Partial<WireNotification> | null;
  return typeof w?.jobName === 'string' && typeof w.jobId === 'string' && (w.nextRunAt === null || typeof w.nextRunAt === 'string');
}

/**
 * Agenda's notification channel in a supervised child: jobs this process saves are announced to the supervisor, and
 * the supervisor's wake-ups make Agenda look for due jobs of that name at once, as a notification from any channel
 * does (it claims every due one, up to the job's lock limit, and leaves a job due after its next poll to that poll).
 * The worker reports each job's start and end ({@link jobStarted}, {@link jobEnded}) so the supervisor knows the
 * load, and {@link leave}s before it drains. Lost messages cost only latency: the poll finds every job anyway.
 *
 * @example
 * ```ts
 * const wake = new SupervisorWakeChannel(process);
 * const agenda = new Agenda({ backend, notificationChannel: wake });
 * ```
 */
export class SupervisorWakeChannel extends BaseNotificationChannel {
  #running = 0;
  readonly #port: IpcPort;
  readonly #reportEveryMs: number;
  #reportTimer: NodeJS.Timeout | undefined;
  readonly #onMessage = (message: unknown) => {
    const m = message as { type?: unknown; notification?: unknown } | null;
    if (m?.type !== WAKE_MESSAGE.wake || !isWire(m.notification) || this._state !== 'connected') return;
    // No report here: Agenda has locked what it found when the handler resolves, but the job starts (and reports)
    // only after it has saved the job's state, so a count sent now would wipe the supervisor's guess too early.
    void this.notifyHandlers(fromWire(m.notification));
  };

  /**
   * @param reportEveryMs the load is also reported this often (default 1 s): a wake-up that found nothing (another
   *   process claimed the job first) leaves the supervisor's guess for this child one too high until then.
   */
  constructor(port: IpcPort, { reportEveryMs = 1000 }: { reportEveryMs?: number } = {}) {
    // No reconnecting: the IPC channel of a forked child is never re-established.
    super({ channelName: 'mts-supervisor', reconnect: { enabled: false } });
    this.#port = port;
    this.#reportEveryMs = reportEveryMs;
  }

  /** Jobs running in this process now. */
  get running(): number {
    return this.#running;
  }

  async connect(): Promise<void> {
    this.#port.on('message', this.#onMessage);
    this.setState('connected');
    this.#report();
    clearInterval(this.#reportTimer);
    this.#reportTimer = setInterval(() => this.#report(), this.#reportEveryMs).unref();
  }

  /**
   * The process is about to drain: the supervisor wakes it no more (a draining child runs fewer and fewer jobs, so it
   * would look like the best one to wake), and the jobs it saves from now on are left to the other children's polls.
   */
  leave(): void {
    if (this._state !== 'connected') return;
    this.#send({ type: WAKE_MESSAGE.leave });
    clearInterval(this.#reportTimer);
    this.setState('disconnected');
  }

  async disconnect(): Promise<void> {
    this.#port.off('message', this.#onMessage);
    clearInterval(this.#reportTimer);
    this.handlers.clear();
    this.stateHandlers.clear();
    this.setState('disconnected');
  }

  async publish(notification: JobNotification): Promise<void> {
    if (this._state !== 'connected') return;
    this.#send({ type: WAKE_MESSAGE.saved, notification: toWire(notification) });
  }

  /** A job started in this process. */
  jobStarted(): void {
    this.#running++;
    this.#report();
  }

  /** A job that {@link jobStarted} reported has ended, however it ended. */
  jobEnded(): void {
    this.#running = Math.max(0, this.#running - 1);
    this.#report();
  }

  #report(): void {
    if (this._state === 'connected') this.#send({ type: WAKE_MESSAGE.load, running: this.#running });
  }

  // A supervisor that is gone (the child drains and exits on 'disconnect') only costs the wake-ups: the callback takes
  // the error that would otherwise be thrown or emitted.
  #send(message: unknown): void {
    if (this.#port.connected === false || !this.#port.send) return;
    try {
      this.#port.send(message, () => undefined);
    } catch {
      // The channel closed between the check and the send.
    }
  }
}

/**
 * The supervisor's side: which child to wake for a saved job. Each child's load is the running-job count it last
 * reported, plus one for each wake-up sent to it since (until its next report says what it actually took). The child
 * with the least load is woken; ties go round, so equal children take turns.
 */
export class WakeRouter {
  readonly #loads = new Map<number, number>();
  #turn = 0;

  /** Child `index` reported `running` jobs (a child that never reported is never woken). */
  setLoad(index: number, running: number): void {
    if (Number.isInteger(running) && running >= 0) this.#loads.set(index, running);
  }

  /** Child `index` exited: wake it no more. */
  remove(index: number): void {
    this.#loads.delete(index);
  }

  /** The loads as the router sees them (for tests and logs). */
  loads(): ReadonlyMap<number, number> {
    return new Map(this.#loads);
  }

  /** The child to wake for a job saved by child `from` (itself when it is the least loaded, or no other reported). */
  pick(from: number): number {
    const indexes = [...this.#loads.keys()].sort((a, b) => a - b);
    if (indexes.length === 0) return from;
    let best = from;
    let bestLoad = Infinity;
    for (let k = 0; k < indexes.length; k++) {
      const index = indexes[(this.#turn + k) % indexes.length] as number;
      const load = this.#loads.get(index) as number;
      if (load < bestLoad) {
        best = index;
        bestLoad = load;
      }
    }
    this.#turn = (this.#turn + 1) % indexes.length;
    this.#loads.set(best, bestLoad + 1);
    return best;
  }
}
