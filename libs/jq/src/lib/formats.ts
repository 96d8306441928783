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

const FORMATS: Record<string, (v: unknown) => string> = {
  text: toText,
  json: toJson,
  html: (v) => toText(v).replace(/[<>&'"]/g, (c) => HTML[c]),
  uri: (v) => uriEncode(toText(v)),
  csv: (v) => {
    if (!Array.isArray(v)) return fail(`${typeOf(v)} cannot be csv-formatted, only array`);
    charge(v.length);
    return v.map(csvCell).join(',');
  },
  tsv: (v) => {
    if (!Array.isArray(v)) return fail(`${typeOf(v)} cannot be tsv-formatted, only array`);
    charge(v.length);
    return v.map(tsvCell).join('\t');
  },
  sh: (v) => (Array.isArray(v) ? v.map(shWord).join(' ') : shWord(v)),
  base64: (v) => Buffer.from(toText(v), 'utf8').toString('base64'),
  base64d: (v) => {
    const clean = toText(v).replace(/=+$/, '');
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
