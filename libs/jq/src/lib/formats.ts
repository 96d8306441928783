/** `@format` strings: `@text @json @html @uri @csv @tsv @sh @base64 @base64d`, as jq 1.6 writes them. */
import { JqError, fail } from './errors.js';
import { fromOne, type Filter } from './filter.js';
import { charge } from './runtime.js';
import { formatNumber, toJson, toText, typeOf } from './values.js';

const HTML: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
// jq 1.6 leaves RFC 2396's "mark" characters unescaped as well as RFC 3986's unreserved ones.
const URI_KEEP = /[A-Za-z0-9\-_.!~*'()]/;

function csvCell(v: unknown): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return `"${v.replace(/"/g, '""')}"`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return '';
  return fail(`${typeOf(v)} is not valid in a csv row`);
}

function tsvCell(v: unknown): string {
  if (typeof v === 'string') return v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return '';
  return fail(`${typeOf(v)} is not valid in a tsv row`);
}

function shWord(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/'/g, "'\\''")}'`;
  if (typeof v === 'object' && v !== null) return fail(`${typeOf(v)} can not be escaped for shell`);
  return toJson(v);
}

function uriEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (URI_KEEP.test(ch)) { out += ch; continue; }
    for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The text a format transforms, charged by its length: the transform reads and rebuilds all of it. */
function text(v: unknown, stepsPerChar = 1): string {
  const s = toText(v);
  charge(s.length * stepsPerChar);
  return s;
}

/** Charges a row's cells by the characters they hold before joining them, so `[., .] | @csv` cannot double unpaid. */
function row(v: unknown, kind: string): unknown[] {
  if (!Array.isArray(v)) return fail(`${typeOf(v)} cannot be ${kind}-formatted, only array`);
  let n = v.length;
  for (const x of v) if (typeof x === 'string') n += x.length;
  charge(n);
  return v;
}

const FORMATS: Record<string, (v: unknown) => string> = {
  text: toText,
  json: toJson,
  html: (v) => text(v).replace(/[<>&'"]/g, (c) => HTML[c]),
  uri: (v) => uriEncode(text(v, 3)),
  csv: (v) => row(v, 'csv').map(csvCell).join(','),
  tsv: (v) => row(v, 'tsv').map(tsvCell).join('\t'),
  sh: (v) => (Array.isArray(v) ? row(v, 'sh').map(shWord).join(' ') : shWord(typeof v === 'string' ? text(v) : v)),
  base64: (v) => Buffer.from(text(v), 'utf8').toString('base64'),
  base64d: (v) => {
    let clean = text(v);
    // Not /=+$/: that regex backtracks quadratically over a long run of '='.
    let end = clean.length;
    while (end > 0 && clean.charCodeAt(end - 1) === 0x3d) end--;
    clean = clean.slice(0, end);
    if (!/^[A-Za-z0-9+/]*$/.test(clean)) return fail('string is not valid base64 data');
    return Buffer.from(clean, 'base64').toString('utf8');
  },
};

/** Applies a format to one value (used by `@fmt "…\(x)…"` for each interpolated value). */
export function applyFormat(name: string, v: unknown): string {
  return FORMATS[name](v);
}

/** `@name` on its own, as a filter over its input. Unknown formats fail at compile time. */
export function formatFilter(name: string): Filter {
  assertFormat(name);
  const f = FORMATS[name];
  return fromOne((i) => f(i));
}

export function assertFormat(name: string): void {
  if (!Object.hasOwn(FORMATS, name)) throw new JqError('JQ_PARSE', `@${name} is not a valid format`);
}
