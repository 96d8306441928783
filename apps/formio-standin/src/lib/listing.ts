/** A stored submission as Form.io's submission index returns it (minus `deleted`, which is never listed). */
export interface StoredSubmission {
  _id: string;
  owner: string | null;
  roles: string[];
  state?: 'submitted' | 'draft';
  data: unknown;
  access: unknown[];
  externalIds: unknown[];
  form: string;
  created: string;
  modified: string;
  metadata: Record<string, unknown>;
}

/** One page of the index: the status and `Content-Range` Form.io's paging (node-paginate-anything) gives it. */
export interface ListingPage {
  status: number;
  contentRange: string;
  items: unknown[];
}

const RESERVED = new Set(['limit', 'skip', 'select', 'sort', 'populate']);
const DATE_FIELDS = new Set(['created', 'modified']);

/**
 * GET …/submission over `rows` (one form's): filters (`name` or `name__{eq,ne,gt,gte,lt,lte,in,nin,exists,regex}`),
 * `sort` (`created,-modified _id`), `select`, then `limit` (default 10) and `skip`, as resourcejs does it:
 * 206 when the page is not the whole result (so also the last page of several), 200 when it is, `*\/0` and 200 for
 * nothing, 416 (`*\/total`) when `skip` is past the end.
 */
export function listSubmissions(rows: readonly StoredSubmission[], query: URLSearchParams): ListingPage {
  const matching = rows.filter((row) => [...query].every(([name, value]) => RESERVED.has(name) || matches(row, name, value)));
  const sorted = sortRows(matching, query.get('sort'));
  const total = sorted.length;
  const int = (name: string, fallback: number) => {
    const v = Number.parseInt(query.get(name) ?? '', 10);
    return Number.isNaN(v) || v < 0 ? fallback : v;
  };
  // resourcejs keeps a 0 limit, which Mongo reads as "no limit"; the stand-in takes the default instead.
  const limit = int('limit', 10) || 10;
  const skip = int('skip', 0);
  if (total === 0) return { status: 200, contentRange: '*/0', items: [] };
  if (skip >= total) return { status: 416, contentRange: `*/${total}`, items: [] };
  const last = Math.min(total - 1, skip + limit - 1);
  const page = sorted.slice(skip, last + 1).map((row) => project(row, query.get('select')));
  return { status: page.length < total ? 206 : 200, contentRange: `${skip}-${last}/${total}`, items: page };
}

function matches(row: StoredSubmission, key: string, raw: string): boolean {
  const [name = '', selector] = key.split('__');
  const actual = read(row, name);
  const value = (v: string) => (v === 'null' ? null : DATE_FIELDS.has(name) ? (parseQueryDate(v) ?? v) : v);
  const cmp = (v: unknown) => compare(actual, v);
  const comparable = (v: unknown) => actual !== undefined && actual !== null && v !== null && typeof v === typeof actual;
  switch (selector) {
    case undefined:
    case 'eq':
      return equal(actual, value(raw));
    case 'ne':
      return !equal(actual, value(raw));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const v = value(raw);
      // Mongo compares only within a type: a date field against an unparsable date matches nothing.
      if (!comparable(v)) return false;
      const c = cmp(v);
      return selector === 'gt' ? c > 0 : selector === 'gte' ? c >= 0 : selector === 'lt' ? c < 0 : c <= 0;
    }
    case 'in':
      return raw.split(',').some((v) => equal(actual, value(v)));
    case 'nin':
      return !raw.split(',').some((v) => equal(actual, value(v)));
    case 'exists':
      return (actual !== undefined) === !(raw === 'false' || raw === '0' || raw === '');
    case 'regex': {
      const m = /\/?([^/]+)\/?([^/]+)?/.exec(raw);
      try {
        return m !== null && typeof actual === 'string' && new RegExp(m[1]!, m[2] ?? 'i').test(actual);
      } catch {
        return true; // resourcejs drops a filter whose pattern does not compile
      }
    }
    default:
      return false; // an operator Mongo does not know fails the query; here it matches nothing
  }
}

/** `created`/`modified` as instants (ms), other fields by dotted path into the document. */
function read(row: StoredSubmission, path: string): unknown {
  if (DATE_FIELDS.has(path)) return Date.parse(row[path as 'created']);
  let v: unknown = row;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function equal(a: unknown, b: unknown): boolean {
  if (b === null) return a === null || a === undefined;
  return Array.isArray(a) ? a.some((x) => x === b) : a === b;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const [x, y] = [typeof a === 'string' ? a : JSON.stringify(a), typeof b === 'string' ? b : JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** moment.utc(value, ['YYYY-MM-DD', 'YYYY-MM', 'YYYY', 'x', ISO_8601], true), as resourcejs parses a date filter. */
export function parseQueryDate(text: string): number | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)];
    const ms = Date.UTC(y, mo - 1, d);
    return mo >= 1 && mo <= 12 && new Date(ms).getUTCDate() === d ? ms : undefined;
  }
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) {
    const ms = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function sortRows(rows: StoredSubmission[], sort: string | null): StoredSubmission[] {
  const keys = (sort ?? '').split(/[, ]+/).filter(Boolean).map((k) => (k.startsWith('-') ? { path: k.slice(1), dir: -1 } : { path: k, dir: 1 }));
  // Array.prototype.sort is stable: ties keep insertion order (Mongo promises no order for ties at all).
  return keys.length === 0 ? [...rows] : [...rows].sort((a, b) => {
    for (const { path, dir } of keys) {
      const c = compare(read(a, path), read(b, path));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

function project(row: StoredSubmission, select: string | null): unknown {
  const fields = (select ?? '').split(/[, ]+/).filter(Boolean);
  if (fields.length === 0) return row;
  const out: Record<string, unknown> = { _id: row._id };
  for (const f of fields) {
    // The stored value itself (dates stay ISO strings), found by dotted path.
    let v: unknown = row;
    for (const part of f.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (v === undefined) continue;
    const parts = f.split('.');
    let target = out;
    for (const p of parts.slice(0, -1)) target = (target[p] ??= {}) as Record<string, unknown>;
    target[parts.at(-1)!] = v;
  }
  return out;
}
