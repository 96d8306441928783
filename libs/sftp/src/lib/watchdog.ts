import { SftpError } from './errors.js';

/** Guards a session's operations: when nothing progresses for `ms`, `onStall` runs and every guarded call rejects. */
export interface Watchdog {
  /** Progress: restarts the countdown. */
  touch(): void;
  /** `p`, or SFTP_TIMEOUT once the session stalled (immediately, if it already has). */
  guard<T>(p: Promise<T>): Promise<T>;
  stop(): void;
}

/**
 * A stall timer for one upload: a server that keeps the connection alive but stops answering SFTP requests would
 * otherwise hang the upload for ever (keepalives only catch a dead peer).
 */
export function createWatchdog(ms: number, onStall: () => void): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let stall!: (error: SftpError) => void;
  const stalled = new Promise<never>((_, reject) => (stall = reject));
  // Observed only through guard(); a stall with no guarded call pending is not an unhandled rejection.
  stalled.catch(() => undefined);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      onStall();
      stall(new SftpError('SFTP_TIMEOUT', `the SFTP server made no progress for ${Math.round(ms / 1000)} s`, { retryable: true }));
    }, ms);
  };
  return {
    touch,
    guard: (p) => {
      touch();
      return Promise.race([p, stalled]);
    },
    stop: () => clearTimeout(timer),
  };
}
