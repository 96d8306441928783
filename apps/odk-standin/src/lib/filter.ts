import { problems } from './problems.js';

/** A compiled `$filter`: true when the row matches. */
export type RowPredicate = (row: FilterableRow) => boolean;

/** The values a filter can compare: `__id` and the `__system` block. */
export interface FilterableRow {
  __id: string;
  __system: Record<string, unknown>;
}

const FIELDS = new Set(['__id', '__system/submissionDate', '__system/updatedAt', '__system/deletedAt', '__system/submitterId', '__system/reviewState']);
const DATE_FIELDS = new Set(['__system/submissionDate', '__system/updatedAt', '__system/deletedAt']);
const OPS = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const TOKEN = /\s*(\(|\)|'(?:[^']|'')*'|[^\s()]+)/y;
const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Compiles the part of OData `$filter` the seeder uses: comparisons (`eq ne lt le gt ge`) of `__id` and
 * `__system/{submissionDate,updatedAt,deletedAt,submitterId,reviewState}` with a date, a 'string', a number
 * or null, combined with `and`, `or`, `not` and parentheses. Anything else (functions such as `year()`,
 * form fields) is a 501.1, as Central answers for features it lacks.
 */
export function compileFilter(text: string): RowPredicate {
  // Every non-space run is a token, so the tokens cover the whole text.
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) tokens.push(m[1]!);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const orExpr = (): RowPredicate => {
    let left = andExpr();
    while (peek() === 'or') {
      next();
      const l = left, r = andExpr();
      left = (row) => l(row) || r(row);
    }
    return left;
  };
  const andExpr = (): RowPredicate => {
    let left = unary();
    while (peek() === 'and') {
      next();
      const l = left, r = unary();
      left = (row) => l(row) && r(row);
    }
    return left;
  };
  const unary = (): RowPredicate => {
    const t = next();
    if (t === 'not') {
      const inner = unary();
      return (row) => !inner(row);
    }
    if (t === '(') {
      const inner = orExpr();
      if (next() !== ')') throw unsupported('unbalanced parentheses');
      return inner;
    }
    if (t === undefined) throw unsupported('an incomplete expression');
    return comparison(t, next(), next());
  };

  const predicate = orExpr();
  if (pos !== tokens.length) throw unsupported(`'${tokens[pos]}'`);
  return predicate;
}

function comparison(field: string, op: string | undefined, literal: string | undefined): RowPredicate {
  if (!FIELDS.has(field)) throw unsupported(`filtering on ${field}`);
  if (op === undefined || !OPS.has(op)) throw unsupported(`the operator ${op ?? '(none)'}`);
  if (literal === undefined) throw unsupported('a comparison without a value');
  const isDate = DATE_FIELDS.has(field);
  const value = parseLiteral(literal, isDate);
  const read = (row: FilterableRow): string | number | null => {
    const raw = field === '__id' ? row.__id : row.__system[field.slice('__system/'.length)];
    if (raw === null || raw === undefined) return null;
    return isDate ? Date.parse(String(raw)) : String(raw);
  };
  return (row) => compare(read(row), op, value);
}

function parseLiteral(literal: string, isDate: boolean): string | number | null {
  if (literal === 'null') return null;
  if (literal.startsWith("'")) return literal.slice(1, -1).replace(/''/g, "'");
  if (isDate && DATE.test(literal)) return Date.parse(literal.length === 10 ? `${literal}T00:00:00Z` : literal);
  if (/^-?\d+(\.\d+)?$/.test(literal)) return isDate ? Number.NaN : literal;
  throw unsupported(`the value ${literal.slice(0, 40)}`);
}

function compare(a: string | number | null, op: string, b: string | number | null): boolean {
  if (a === null || b === null) return op === 'eq' ? a === b : op === 'ne' ? a !== b : false;
  switch (op) {
    case 'eq': return a === b;
    case 'ne': return a !== b;
    case 'lt': return a < b;
    case 'le': return a <= b;
    case 'gt': return a > b;
    default: return a >= b;
  }
}

const unsupported = (what: string) => problems.notImplemented(`$filter (${what})`);
