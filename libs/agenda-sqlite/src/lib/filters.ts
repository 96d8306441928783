import type { JobsQueryOptions, RemoveJobsOptions } from 'agenda';

/** A WHERE clause in parts, plus a data filter that rows must also pass in JS (see {@link containsJson}). */
export interface Filter {
  conditions: string[];
  params: unknown[];
  data?: unknown;
}

/**
 * PostgreSQL jsonb `@>` semantics (the Postgres backend's meaning of a `data` filter): objects match when every
 * key of `expected` is contained in `actual`; arrays when every expected element is contained in some actual one.
 */
export function containsJson(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((e) => actual.some((a) => containsJson(a, e)));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).every(
      // An undefined value is absent once serialized, so it asks nothing (as the JSON sent to Postgres would).
      ([key, value]) => value === undefined || (Object.prototype.hasOwnProperty.call(record, key) && containsJson(record[key], value)),
    );
  }
  return actual === expected;
}

/** SQLite JSON path for nested object keys; undefined when a key cannot be written as a quoted label. */
export function jsonPath(keys: string[]): string | undefined {
  if (keys.some((k) => k.includes('"'))) return undefined;
  return '$' + keys.map((k) => `."${k}"`).join('');
}

/** SQLite's json_extract value for a JSON scalar (booleans come back as 1/0). */
export function sqliteJsonScalar(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** Narrows by the scalar leaves of a data filter in SQL, so the JS check only sees likely matches. */
function dataPrefilter(expected: unknown, prefix: string[], out: Filter): void {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) return;
  for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
    const keys = [...prefix, key];
    if (value !== null && typeof value === 'object') {
      if (!Array.isArray(value)) dataPrefilter(value, keys, out);
      continue;
    }
    const path = jsonPath(keys);
    if (path === undefined || value === null || value === undefined) continue;
    out.conditions.push('json_extract(data, ?) = ?');
    out.params.push(path, sqliteJsonScalar(value));
  }
}

/** `column = one`, else `column IN many` (a JSON array bound as one parameter, so no parameter-count limit). */
function oneOrMany(f: Filter, column: string, one: unknown, many: readonly unknown[] | undefined): void {
  if (one) {
    f.conditions.push(`${column} = ?`);
    f.params.push(String(one));
  } else if (many && many.length > 0) {
    f.conditions.push(`${column} IN (SELECT value FROM json_each(?))`);
    f.params.push(JSON.stringify(many.map(String)));
  }
}

function withData(f: Filter, data: unknown): Filter {
  if (data !== undefined) {
    f.data = data;
    dataPrefilter(data, [], f);
  }
  return f;
}

/** The selection of remove/disable/enable: null when no criterion is given (those calls then touch nothing). */
export function selectionFilter(options: RemoveJobsOptions): Filter | null {
  const f: Filter = { conditions: [], params: [] };
  oneOrMany(f, 'id', options.id, options.ids);
  oneOrMany(f, 'name', options.name, options.names);
  if (!options.name && !options.names?.length && options.notNames && options.notNames.length > 0) {
    f.conditions.push(`name NOT IN (SELECT value FROM json_each(?))`);
    f.params.push(JSON.stringify(options.notNames));
  }
  withData(f, options.data);
  return f.conditions.length > 0 || f.data !== undefined ? f : null;
}

/** The row filter of queryJobs (state is computed afterwards, in JS, as Agenda defines it). */
export function queryFilter(options: JobsQueryOptions): Filter {
  const f: Filter = { conditions: [], params: [] };
  oneOrMany(f, 'name', options.name, options.names);
  oneOrMany(f, 'id', options.id, options.ids);
  if (options.search) {
    // LIKE is case-insensitive for ASCII in SQLite, like ILIKE for the Postgres backend.
    f.conditions.push(`name LIKE ? ESCAPE '\\'`);
    f.params.push(`%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  withData(f, options.data);
  if (options.includeDisabled === false) f.conditions.push('disabled = 0');
  return f;
}

export function whereClause(f: Filter): string {
  return f.conditions.length > 0 ? `WHERE ${f.conditions.join(' AND ')}` : '';
}
