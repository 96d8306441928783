import { problems } from './problems.js';
import type { StoredSubmission } from './rows.js';

type Row = StoredSubmission['row'];
type Value = string | number | null;

// Central sorts on the fields it filters on (its odataToColumnMap), also under their `$root/Submissions/` names.
const time = (v: unknown): Value => (typeof v === 'string' ? Date.parse(v) : null);
const text = (v: unknown): Value => (typeof v === 'string' ? v : null);
const FIELDS: Record<string, (row: Row) => Value> = {
  __id: (r) => r.__id,
  '__system/submissionDate': (r) => time(r.__system.submissionDate),
  '__system/updatedAt': (r) => time(r.__system.updatedAt),
  // an integer column in Central, shown as a string
  '__system/submitterId': (r) => Number(r.__system.submitterId),
  '__system/reviewState': (r) => text(r.__system.reviewState),
  '__system/deletedAt': (r) => time(r.__system.deletedAt),
};
const field = (name: string) => FIELDS[name.replace(/^\$root\/Submissions\//, '')];

/**
 * Central's `$orderby` (2024.1+): comma-separated `field [asc|desc]` (case-insensitive, default asc) over the
 * filterable fields; an unknown field or direction is 501.5. Ascending puts nulls first, descending last, and the
 * row's insertion order breaks ties in the first key's direction (Central's `submissions.id`).
 */
export function compileOrderBy(expr: string): (a: StoredSubmission, b: StoredSubmission) => number {
  let firstDir = 0;
  const keys = expr.split(',').map((part) => {
    const [name = '', order] = part.trim().split(/\s+/);
    const get = field(name);
    if (!get) throw problems.unsupportedField(name);
    if (order !== undefined && !/^(asc|desc)$/i.test(order)) throw problems.unsupportedField(order);
    const dir = order?.toLowerCase() === 'desc' ? -1 : 1;
    if (firstDir === 0) firstDir = dir;
    return { get, dir };
  });
  return (a, b) => {
    for (const { get, dir } of keys) {
      const c = compareNullsFirst(get(a.row), get(b.row));
      if (c !== 0) return c * dir;
    }
    return (a.seq - b.seq) * firstDir;
  };
}

function compareNullsFirst(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
