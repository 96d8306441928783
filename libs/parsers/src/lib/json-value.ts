import type { ParsedRecord } from './types.js';
import { exceedsJsonDepth } from './json-depth.js';
import { parseJsonExact } from './json-exact.js';

/** Parses one JSON text (an array element or an NDJSON line) into a record or an error record. */
export function toRecord(text: string, lineNo: number, prefix: 'JSON' | 'NDJSON', invalidUtf8: boolean, maxDepth: number): ParsedRecord {
  const what = prefix === 'JSON' ? 'element' : 'line';
  if (invalidUtf8) return { lineNo, error: { code: `${prefix}_INVALID_UTF8`, message: `the ${what} contains bytes that are not valid UTF-8` } };
  let value: unknown;
  try {
    value = parseJsonExact(text);
  } catch {
    // JSON.parse's message quotes the input, which may be personal data: say only where.
    return { lineNo, error: { code: `${prefix}_SYNTAX`, message: `the ${what} is not valid JSON` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { lineNo, error: { code: `${prefix}_NOT_OBJECT`, message: `the ${what} is ${kind}, not an object` } };
  }
  if (exceedsJsonDepth(value, maxDepth)) {
    return { lineNo, error: { code: `${prefix}_RECORD_TOO_DEEP`, message: `the ${what} nests arrays/objects deeper than ${maxDepth} levels` } };
  }
  return { lineNo, data: value as Record<string, unknown> };
}
