/** Where progress goes: stderr, with its TTY flag. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressState {
  /** Records finished in this run. */
  done: number;
  /** Records finished by an earlier, interrupted run (resume). */
  resumed?: number;
  /** Records in all, when known (server mode). */
  total?: number;
  /** How far through the input, 0..1 (embedded: bytes read), for the ETA. */
  fraction?: number;
  /** This run continues an earlier one: the first state seen is the ETA's baseline. */
  resuming?: boolean;
  /** A word for what is happening (e.g. the server's status). */
  phase?: string;
}

/**
 * Progress on stderr: on a TTY one line rewritten in place (count, rate, ETA); otherwise a plain line every
 * `intervalMs`. `--quiet` makes it a no-op. Never prints record data.
 */
export function createProgress(sink: ProgressSink, { intervalMs, quiet, now = () => Date.now() }: { intervalMs: number; quiet: boolean; now?: () => number }) {
  const started = now();
  const tty = sink.isTTY === true;
  // A TTY line shows at once; plain lines start after the first interval (a short run prints only its summary).
  let lastPrint = tty ? 0 : started;
  let shown = false;
  // The ETA counts from where this run started: records taken from the journal (or done before a resume in server
  // mode) are not this run's pace.
  let base: { fraction: number; at: number } | undefined;
  const line = (s: ProgressState): string => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = s.done / seconds;
    const parts = [`${s.done + (s.resumed ?? 0)}${s.total !== undefined ? `/${s.total}` : ''} records`];
    if (s.resumed) parts.push(`${s.resumed} from the journal`);
    parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)}/s`);
    const fraction = s.fraction ?? (s.total ? (s.done + (s.resumed ?? 0)) / s.total : undefined);
    if (fraction !== undefined) {
      parts.push(`${Math.floor(Math.min(fraction, 1) * 100)}%`);
      const b = base ?? { fraction: 0, at: started };
      const gained = fraction - b.fraction;
      if (fraction < 1 && s.done > 0 && gained > 0) parts.push(`ETA ${duration(((now() - b.at) / 1000) * ((1 - fraction) / gained))}`);
    }
    if (s.phase) parts.push(s.phase);
    return `mts-seed: ${parts.join(', ')}`;
  };
  return {
    update(s: ProgressState): void {
      if (quiet) return;
      const fraction = s.fraction ?? (s.total ? (s.done + (s.resumed ?? 0)) / s.total : undefined);
      if (base === undefined && fraction !== undefined && (s.resuming || s.done === 0)) base = { fraction, at: now() };
      const t = now();
      if (tty ? t - lastPrint < 200 : t - lastPrint < intervalMs) return;
      lastPrint = t;
      shown = true;
      sink.write(tty ? `\r\x1b[K${line(s)}` : `${line(s)}\n`);
    },
    /** Ends the TTY line so later messages start on their own line. */
    end(): void {
      if (!quiet && tty && shown) sink.write('\r\x1b[K');
    },
    elapsedMs: () => now() - started,
  };
}

export type Progress = ReturnType<typeof createProgress>;

/** 75 → "1m15s". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
