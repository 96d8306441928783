const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * `Integer.parseInt(s)` as Java reads it (radix 10), or null where Java throws NumberFormatException: an optional `+`
 * or `-`, then one or more decimal digits of any script (`Character.digit` takes every Unicode `Nd` digit in one
 * UTF-16 unit, so `٣٥` is 35, while a digit outside the BMP is two units and refused), within a 32-bit int.
 * IDA reads a request's `age` so (`checkAge` at v1.2.0.1, then the age match).
 */
export function parseJavaInt(s: string): number | null {
  let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
  if (s.length === i) return null;
  let value = 0;
  for (; i < s.length; i++) {
    const digit = digitValue(s.charCodeAt(i));
    if (digit < 0) return null;
    value = value * 10 + digit;
    if (value > 2 ** 31) return null;
  }
  const signed = s[0] === '-' ? -value : value;
  return signed > 2 ** 31 - 1 ? null : signed;
}

/** The value of a decimal digit (one UTF-16 unit), else -1. Unicode puts each script's digits 0…9 in a run. */
function digitValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (!DECIMAL_DIGIT.test(String.fromCharCode(unit))) return -1;
  let zero = unit;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCharCode(zero - 1))) zero--;
  return (unit - zero) % 10;
}
