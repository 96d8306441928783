import type { ChildProcess } from 'node:child_process';
import { WAKE_MESSAGE, WakeRouter } from './job-wake.js';
import type { Logger } from './logger.js';

/** What the supervisor needs of a child process (a `ChildProcess` from `fork`, with its IPC channel). */
export type SupervisedChild = Pick<ChildProcess, 'pid' | 'exitCode' | 'signalCode' | 'kill' | 'once' | 'on' | 'off' | 'send' | 'connected'>;

/** Options of {@link startSupervisor}. */
export interface SupervisorOptions {
  /** Children to keep running (≥ 1). */
  processes: number;
  /** Starts child `index` (1…processes); it sends `{ type: 'ready' }` over IPC once it has started. */
  fork: (index: number) => SupervisedChild;
  log: Logger;
  /** First restart delay after an unexpected exit (default 500 ms), doubled per exit in a row, capped at `restartMaxMs`. */
  restartBaseMs?: number;
  /** Cap of the restart delay (default 30 s). */
  restartMaxMs?: number;
  /** A child that ran this long before exiting restarts after `restartBaseMs` again (default 60 s). */
  stableAfterMs?: number;
}

/** A running supervisor. */
export interface Supervisor {
  /** Resolves once every child has reported ready; rejects if child 1 exits before it is ready (start-up failure). */
  ready: Promise<void>;
  /** The pids of the children running now, by index. */
  pids(): Map<number, number>;
  /** Sends SIGTERM to every child (they drain), restarts none, and resolves with 0 when all exited 0, else 1. */
  stop(): Promise<number>;
}

/** Thrown through {@link Supervisor.ready} when the first child exits before it is ready. */
export class ChildStartError extends Error {
  readonly code = 'WORKER_CHILD_START_FAILED';
  readonly retryable = false;
  constructor(readonly exitCode: number | string) {
    super(`worker process 1 exited (${exitCode}) before it was ready`);
    this.name = 'ChildStartError';
  }
}

/**
 * Keeps `processes` worker children running: child 1 starts first (so a bad setting or an unreachable database is
 * reported once, and SQLite's first migration is not raced), then the rest. A child that exits while not stopping is
 * restarted after a capped exponential delay; only its exit code or signal is logged (its own log lines say why).
 * A child that saves a job says so over IPC, and the supervisor wakes the child running the fewest jobs to take it
 * (see job-wake.ts): a request's chunks spread evenly instead of by the accident of the children's poll timers.
 *
 * @example
 * ```ts
 * const sup = startSupervisor({ processes: 2, log, fork: (i) => fork(process.argv[1], { env: { ...env, MTS_WORKER_CHILD: `${i}/2` } }) });
 * await sup.ready;
 * process.once('SIGTERM', () => sup.stop().then((code) => process.exit(code)));
 * ```
 */
export function startSupervisor(options: SupervisorOptions): Supervisor {
  const { processes, log, restartBaseMs = 500, restartMaxMs = 30_000, stableAfterMs = 60_000 } = options;
  const children = new Map<number, SupervisedChild>();
  const failuresInARow = new Map<number, number>();
  const restartTimers = new Set<NodeJS.Timeout>();
  const exitCodes: (number | string)[] = [];
  const router = new WakeRouter();
  let stopping = false;
  let allExited: (() => void) | undefined;

  const start = (index: number, first = false): Promise<void> =>
    new Promise((resolveReady, rejectReady) => {
      // A stop that came while an earlier child was starting: start no more (they would never be told to stop).
      if (stopping) return resolveReady();
      const child = options.fork(index);
      const startedAt = Date.now();
      let ready = false;
      children.set(index, child);
      const onMessage = (message: unknown) => {
        const m = message as { type?: unknown; running?: unknown; notification?: unknown } | null;
        if (m?.type === WAKE_MESSAGE.load) return router.setLoad(index, Number(m.running));
        if (m?.type === WAKE_MESSAGE.leave) return router.remove(index);
        if (m?.type === WAKE_MESSAGE.saved) {
          // The child's load reports come in order on the same channel, so the router already has its count.
          const target = children.get(router.pick(index));
          // A child that is going away loses the wake-up; the children's polls find the job anyway.
          if (target?.connected) target.send({ type: WAKE_MESSAGE.wake, notification: m.notification }, () => undefined);
          return;
        }
        if (m?.type !== 'ready' || ready) return;
        ready = true;
        log.info('worker process ready', { process: index, pid: child.pid });
        resolveReady();
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        child.off('message', onMessage);
        router.remove(index);
        children.delete(index);
        const exit = code ?? signal ?? 'unknown';
        if (stopping) {
          exitCodes.push(exit);
          if (children.size === 0) allExited?.();
          return;
        }
        if (first && !ready && index === 1) {
          rejectReady(new ChildStartError(exit));
          return;
        }
        const failures = Date.now() - startedAt >= stableAfterMs ? 1 : (failuresInARow.get(index) ?? 0) + 1;
        failuresInARow.set(index, failures);
        const delayMs = Math.min(restartMaxMs, restartBaseMs * 2 ** (failures - 1));
        log.error('worker process exited; restarting it', { process: index, exit, restartInMs: delayMs });
        const timer = setTimeout(() => {
          restartTimers.delete(timer);
          if (stopping) return;
          // A restarted child's readiness is its own: `ready` (if still pending) settles with the first start.
          start(index).then(resolveReady, rejectReady);
        }, delayMs);
        restartTimers.add(timer);
      });
    });

  const ready = (async () => {
    await start(1, true);
    await Promise.all(Array.from({ length: processes - 1 }, (_, i) => start(i + 2)));
  })();
  // The caller may stop before every child is ready; `ready` is theirs to await, never an unhandled rejection.
  ready.catch(() => undefined);

  let stopped: Promise<number> | undefined;
  return {
    ready,
    pids: () => new Map([...children].filter(([, c]) => c.pid !== undefined).map(([i, c]) => [i, c.pid as number])),
    stop() {
      stopped ??= new Promise<number>((resolveStop) => {
        stopping = true;
        for (const t of restartTimers) clearTimeout(t);
        restartTimers.clear();
        const finish = () => resolveStop(exitCodes.every((c) => c === 0) ? 0 : 1);
        allExited = finish;
        if (children.size === 0) return finish();
        for (const child of children.values()) child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}
