// Python's strptime(value, '%Y-%m-%dT%H:%M:%S.%fZ') as MTS applies it: 4-digit year, 1–2 digit month, day, hour,
// minute and second, a mandatory 1–6 digit fraction and a literal Z. `…14:15:22Z` (no fraction) fails, as in MTS.
const REQUEST_TIME =
  /^(\d{4})-(1[0-2]|0[1-9]|[1-9])-(3[01]|[12]\d|0[1-9]|[1-9])T(2[0-3]|[0-1]\d|\d):([0-5]\d|\d):([0-5]\d|\d)\.\d{1,6}Z$/;

/**
 * Whether `value` is a `requesttime` MTS accepts (`YYYY-MM-DDTHH:MM:SS.fffZ`, fraction mandatory, a real date).
 *
 * @example
 * ```ts
 * isMtsRequestTime('2024-05-01T10:20:30.123Z'); // true
 * isMtsRequestTime('2024-05-01T10:20:30Z');     // false
 * ```
 */
export function isMtsRequestTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = REQUEST_TIME.exec(value);
  if (m === null) return false;
  const year = Number(m[1]);
  const day = Number(m[3]);
  // Day 0 of the next month is the last day of this one (setUTCFullYear: no 19xx mapping of years below 100).
  const lastDay = new Date(0);
  lastDay.setUTCFullYear(year, Number(m[2]), 0);
  return year >= 1 && day <= lastDay.getUTCDate();
}
