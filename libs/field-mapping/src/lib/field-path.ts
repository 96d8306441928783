/**
 * The mapping path language: data lookups into one record, nothing else.
 *
 * A path is what MTS prefixes with `.` and hands to jq, restricted to the forms that only read the record:
 * `vid`, `a.b`, `c[0].d`, `c[-1]`, `"first-name"`, `["first name"]`, `a."b c"`, `a["b"][2]`. Quoted keys use JSON
 * string syntax. A string that is not a valid path is taken as one literal key, so a CSV header such as
 * `First Name` can be mapped as it is (MTS cannot map those: bug 8).
 */
export type PathSegment = string | number;

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const INDEX = /-?\d+/y;

/** Parses `path` into segments; returns null when it is not a valid path. */
export function parseFieldPath(path: string): PathSegment[] | null {
  const segments: PathSegment[] = [];
  let i = 0;
  let first = true;
  while (i < path.length) {
    if (!first) {
      if (path[i] === '.') i++;
      else if (path[i] !== '[') return null;
    }
    const c = path[i];
    if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return null;
      const inner = path.slice(i + 1, end);
      if (inner.startsWith('"')) {
        const key = readQuoted(path, i + 1);
        if (key === null || path[key.end] !== ']') return null;
        segments.push(key.value);
        i = key.end + 1;
      } else {
        INDEX.lastIndex = 0;
        const m = INDEX.exec(inner);
        if (!m || m[0].length !== inner.length) return null;
        segments.push(Number(inner));
        i = end + 1;
      }
    } else if (c === '"') {
      const key = readQuoted(path, i);
      if (key === null) return null;
      segments.push(key.value);
      i = key.end;
    } else {
      IDENT.lastIndex = i;
      const m = IDENT.exec(path);
      if (!m) return null;
      segments.push(m[0]);
      i += m[0].length;
    }
    first = false;
  }
  return segments.length > 0 ? segments : null;
}

/** Reads a JSON string literal starting at `start` (a `"`); returns its value and the index after it. */
function readQuoted(s: string, start: number): { value: string; end: number } | null {
  let i = start + 1;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') i += 2;
    else if (c === '"') {
      try {
        return { value: JSON.parse(s.slice(start, i + 1)) as string, end: i + 1 };
      } catch {
        return null;
      }
    } else i++;
  }
  return null;
}

/** Compiles a mapping path into segments, falling back to the whole string as one literal key. */
export function compileFieldPath(path: string): PathSegment[] {
  return parseFieldPath(path) ?? [path];
}

/**
 * Looks `segments` up in `record`. Anything that does not resolve (a missing key, a key on a non-object, an index on a
 * non-array, an index out of range) is `undefined`, as a jq error or null is "absent" in MTS. Only own properties are
 * read, so `__proto__` or `constructor` never reach prototypes.
 */
export function lookupPath(record: unknown, segments: readonly PathSegment[]): unknown {
  let value: unknown = record;
  for (let i = 0; i < segments.length; i++) {
    if (value === null || typeof value !== 'object') return undefined;
    const seg = segments[i];
    if (typeof seg === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[seg < 0 ? value.length + seg : seg];
    } else {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, seg)) return undefined;
      value = (value as Record<string, unknown>)[seg];
    }
  }
  return value;
}
