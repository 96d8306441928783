/** The part of `process` {@link installLastResortHandlers} listens on (a stand-in in tests). */
export interface ProcessEvents {
  on(event: 'unhandledRejection' | 'uncaughtException', listener: (reason: unknown) => void): unknown;
  off(event: 'unhandledRejection' | 'uncaughtException', listener: (reason: unknown) => void): unknown;
}

/** Options of {@link installLastResortHandlers}. */
export interface LastResortOptions {
  /** Gets one line per failure: the event, the error's name and code, and its stack frames (never its message). */
  log: { error(message: string, meta: Record<string, unknown>): unknown };
  /** The clean shutdown to attempt (stop taking work, release locks, close stores); given at most `timeoutMs`. */
  shutdown: () => Promise<unknown> | unknown;
  /** How long the shutdown may take before the process exits anyway. Default 10000. */
  timeoutMs?: number;
  /** Default `process.exit`. */
  exit?: (code: number) => void;
  /** Default `process`. */
  target?: ProcessEvents;
}

/** What is logged of a failure nobody handled: no message, which may hold data (a value, a path, a name). */
export function describeFailure(reason: unknown): Record<string, unknown> {
  if (!(reason instanceof Error)) return { name: typeof reason };
  const { code } = reason as { code?: unknown };
  const frames = (reason.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 10).map((l) => l.trim());
  return { name: reason.name, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}), frames };
}

/**
 * The last resort of an entry point: a promise rejection nobody handled, or an exception nobody caught, is logged
 * (without its message), a clean shutdown is attempted for at most `timeoutMs`, and the process exits 1. Code
 * that owns its errors never gets here; this only keeps a bug from ending the process without a trace or without
 * releasing what it holds. Returns a function removing the handlers.
 *
 * @example
 * ```ts
 * installLastResortHandlers({ log, shutdown: () => api.close() });
 * ```
 */
export function installLastResortHandlers(options: LastResortOptions): () => void {
  const { log, shutdown, timeoutMs = 10_000, exit = (code) => process.exit(code), target = process } = options;
  let exiting = false;

  const handle = (event: string) => (reason: unknown) => {
    log.error('unhandled failure, shutting down', { event, ...describeFailure(reason) });
    if (exiting) return;
    exiting = true;
    let timer: NodeJS.Timeout | undefined;
    // Not unref'd: a shutdown that hangs must still end in exit(1), not in a quiet exit 0 once the loop empties.
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const attempt = Promise.resolve()
      .then(shutdown)
      .catch((error: unknown) => void log.error('shutdown after an unhandled failure failed', describeFailure(error)));
    void Promise.race([attempt, timeout]).then(() => {
      clearTimeout(timer);
      exit(1);
    });
  };

  const onRejection = handle('unhandledRejection');
  const onException = handle('uncaughtException');
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return () => {
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
}
