const PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses IDA's `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` non-leniently (real calendar values, exactly 3 fraction digits)
 * and returns epoch milliseconds, or null.
 */
export function parseIdaTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = PATTERN.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(local).getUTCDate() !== d) return null;
  const zone = m[8]!;
  if (zone === 'Z') return local;
  const sign = zone[0] === '-' ? -1 : 1;
  const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
  if (zh > 18 || zm > 59) return null;
  return local - sign * (zh * 60 + zm) * 60_000;
}

/** IDA's window: `received-time-allowed` 30 s plus `adjustment` 30 s in the past, 30 s in the future. */
export const PAST_ALLOWANCE_MS = 60_000;
export const FUTURE_ALLOWANCE_MS = 30_000;

/** 'ok', 'past' (too old) or 'future' (too far ahead) relative to `now`. */
export function checkTimeWindow(t: number, now: number): 'ok' | 'past' | 'future' {
  if (t < now - PAST_ALLOWANCE_MS) return 'past';
  if (t > now + FUTURE_ALLOWANCE_MS) return 'future';
  return 'ok';
}
