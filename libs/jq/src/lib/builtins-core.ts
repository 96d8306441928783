/** Builtins over values: types, conversions, collections, numbers. */
import { UserError, fail } from './errors.js';
import { fromGen } from './filter.js';
import { add, index, iterable, lengthOf } from './operators.js';
import { define, defineValue, defineValueArgs } from './registry.js';
import { charge, tick } from './runtime.js';
import { compare, equals, getKey, isObject, setKey, sortedKeys, toJson, toText, truthy, typeOf, type JqObject } from './values.js';

// jq 1.6's tonumber parses the string as JSON text, so it takes what its parser takes: one token between JSON
// whitespace (space, tab, CR, LF), read by strtod, which also skips a leading form feed or vertical tab and takes a
// sign, `5.`, `.5`, `inf`/`infinity` and `nan` in any case; but a token that starts with a lowercase `n` is read as a
// literal (`null`), so "nan" alone fails. Unambiguous, so it cannot backtrack.
const NUMBER_TEXT = /^[ \t\r\n]*[\f\v]*([+-]?)(?:((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)|(inf(?:inity)?)|(nan))[ \t\r\n]*$/i;
const LITERAL_N = /^[ \t\r\n]*n/;

export function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return fail(`${typeOf(v)} cannot be parsed as a number`);
  charge(v.length >> 4);
  const m = NUMBER_TEXT.exec(v);
  if (!m || LITERAL_N.test(v)) return fail('Cannot parse string as a number');
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2] !== undefined) return Number(m[1] + m[2]);
  return m[3] !== undefined ? sign * Infinity : Number.NaN;
}

function keysOf(v: unknown): unknown[] {
  if (Array.isArray(v)) { charge(v.length); return v.map((_x, i) => i); }
  if (isObject(v)) return sortedKeys(v);
  return fail(`${typeOf(v)} has no keys`);
}

function needArray(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) fail(`Cannot ${what} ${typeOf(v)}, as it is not an array`);
  return v as unknown[];
}

function sortValues(v: unknown): unknown[] {
  const a = needArray(v, 'sort');
  charge(a.length);
  return a.slice().sort(compare);
}

function flatten(v: unknown, depth: number): unknown[] {
  if (depth < 0) fail('flatten depth must not be negative');
  const a = iterable(v); // jq 1.6 flattens an object's values too.
  const out: unknown[] = [];
  const go = (xs: unknown[], d: number): void => {
    for (const x of xs) {
      charge(1);
      if (Array.isArray(x) && d > 0) go(x, d - 1);
      else out.push(x);
    }
  };
  go(a, depth);
  return out;
}

/** jq's `contains`: substring for strings, recursive for arrays and objects, equality otherwise. */
export function contains(a: unknown, b: unknown): boolean {
  if (typeOf(a) !== typeOf(b)) return fail(`${typeOf(a)} and ${typeOf(b)} cannot have their containment checked`);
  return containsInner(a, b);
}

// Below the top level, values of different types are simply not contained (no error), as in jq.
function containsInner(a: unknown, b: unknown): boolean {
  tick();
  const ta = typeOf(a);
  if (ta !== typeOf(b)) return false;
  if (ta === 'object') {
    const x = a as JqObject;
    return Object.keys(b as JqObject).every((k) => Object.hasOwn(x, k) && containsInner(x[k], (b as JqObject)[k]));
  }
  if (ta === 'array') return (b as unknown[]).every((y) => (a as unknown[]).some((x) => containsInner(x, y)));
  if (ta === 'string') { charge((a as string).length >> 4); return (a as string).includes(b as string); }
  return equals(a, b);
}

function has(v: unknown, k: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (isObject(v) && typeof k === 'string') return Object.hasOwn(v, k);
  if (Array.isArray(v) && typeof k === 'number') return k >= 0 && k < v.length;
  return fail(`Cannot check whether ${typeOf(v)} has a ${typeOf(k)} key`);
}

function toEntries(v: unknown): unknown[] {
  if (isObject(v)) { const keys = Object.keys(v); charge(keys.length * 2); return keys.map((key) => ({ key, value: v[key] })); }
  if (Array.isArray(v)) { charge(v.length * 2); return v.map((value, key) => ({ key, value })); }
  return fail(`${typeOf(v)} has no keys`);
}

/** jq 1.6's `from_entries`: key from `key`/`Key`/`name`/`Name`, value from `value`/`Value`. */
export function fromEntries(v: unknown): JqObject {
  const out: JqObject = {};
  for (const en of iterable(v)) {
    tick();
    const key = ['key', 'Key', 'name', 'Name'].map((k) => (isObject(en) ? getKey(en, k) : null)).find(truthy) ?? null;
    if (typeof key !== 'string') fail(`Cannot use ${typeOf(key)} as object key`);
    const value = isObject(en) ? (Object.hasOwn(en, 'value') ? en.value : getKey(en, 'Value')) : fail(`Cannot index ${typeOf(en)} with string`);
    setKey(out, key as string, value);
  }
  return out;
}

function implode(v: unknown): string {
  const a = needArray(v, 'implode');
  if (!a.every((c) => typeof c === 'number')) fail('Unicode codepoints must be numeric');
  charge(a.length);
  return String.fromCodePoint(...(a as number[]).map((c) => (c >= 0 && c <= 0x10ffff && (c < 0xd800 || c > 0xdfff) ? Math.trunc(c) : 0xfffd)));
}

function math(name: string, f: (n: number) => number): void {
  defineValue(name, (v) => (typeof v === 'number' ? f(v) : fail(`${typeOf(v)} number required`)));
}

export function registerCoreBuiltins(): void {
  define('empty', 0, () => fromGen(() => undefined, () => undefined));
  define('error', 0, () => fromGen((i) => { throw new UserError(i); }));
  defineValueArgs('error', 1, (_i, msg) => { throw new UserError(msg); });
  defineValue('not', (v) => !truthy(v));
  defineValue('length', lengthOf);
  defineValue('utf8bytelength', (v) => (typeof v === 'string' ? (charge(v.length >> 4), Buffer.byteLength(v, 'utf8')) : fail(`${typeOf(v)} only strings have UTF-8 byte length`)));
  defineValue('type', typeOf);
  defineValue('keys', keysOf);
  defineValue('keys_unsorted', (v) => {
    if (!isObject(v)) return keysOf(v);
    const keys = Object.keys(v);
    charge(keys.length);
    return keys;
  });
  defineValue('tostring', toText);
  defineValue('tojson', toJson);
  defineValue('fromjson', (v) => {
    if (typeof v !== 'string') return fail(`${typeOf(v)} cannot be parsed as JSON`);
    charge(v.length);
    try { return JSON.parse(v); } catch { return fail('string cannot be parsed as JSON'); }
  });
  defineValue('tonumber', toNumber);
  defineValue('ascii_downcase', (v) => (typeof v === 'string' ? (charge(v.length), v.replace(/[A-Z]+/g, (s) => s.toLowerCase())) : fail('explode input must be a string')));
  defineValue('ascii_upcase', (v) => (typeof v === 'string' ? (charge(v.length), v.replace(/[a-z]+/g, (s) => s.toUpperCase())) : fail('explode input must be a string')));
  defineValue('explode', (v) => (typeof v === 'string' ? (charge(v.length), Array.from(v, (c) => c.codePointAt(0))) : fail('explode input must be a string')));
  defineValue('implode', implode);
  defineValue('add', (v) => iterable(v).reduce((acc: unknown, x) => add(acc, x), null));
  defineValue('any', (v) => iterable(v).some(truthy));
  defineValue('all', (v) => iterable(v).every(truthy));
  defineValue('first', (v) => (Array.isArray(v) ? v[0] ?? null : v === null ? null : fail(`Cannot index ${typeOf(v)} with number`)));
  defineValue('last', (v) => (Array.isArray(v) ? v[v.length - 1] ?? null : v === null ? null : fail(`Cannot index ${typeOf(v)} with number`)));
  defineValueArgs('nth', 1, (v, n) => index(v, n));
  defineValue('reverse', (v) => {
    if (v === null || v === '') return [];
    const a = needArray(v, 'reverse');
    charge(a.length);
    return a.slice().reverse();
  });
  defineValue('sort', sortValues);
  defineValue('unique', (v) => sortValues(v).filter((x, i, a) => i === 0 || compare(a[i - 1], x) !== 0));
  defineValue('min', (v) => { const a = needArray(v, 'min'); return a.length ? a.reduce((m, x) => (compare(x, m) < 0 ? x : m)) : null; });
  defineValue('max', (v) => { const a = needArray(v, 'max'); return a.length ? a.reduce((m, x) => (compare(x, m) >= 0 ? x : m)) : null; });
  defineValue('flatten', (v) => flatten(v, 1e9));
  defineValueArgs('flatten', 1, (v, d) => (typeof d === 'number' ? flatten(v, d) : fail('flatten depth must not be negative')));
  defineValue('to_entries', toEntries);
  defineValue('from_entries', fromEntries);
  defineValueArgs('has', 1, has);
  defineValueArgs('contains', 1, contains);
  defineValueArgs('inside', 1, (v, b) => contains(b, v));
  defineValue('infinite', () => Infinity);
  defineValue('nan', () => NaN);
  defineValue('isinfinite', (v) => (typeof v === 'number' ? v === Infinity || v === -Infinity : fail('number required')));
  defineValue('isnan', (v) => (typeof v === 'number' ? Number.isNaN(v) : fail('number required')));
  defineValue('isnormal', (v) => (typeof v === 'number' ? Number.isFinite(v) && v !== 0 && Math.abs(v) >= 2.2250738585072014e-308 : fail('number required')));
  math('floor', Math.floor);
  math('ceil', Math.ceil);
  math('round', (n) => (n < 0 ? -Math.round(-n) : Math.round(n)));
  math('sqrt', Math.sqrt);
  math('fabs', Math.abs);
  math('exp', Math.exp);
  math('exp10', (n) => 10 ** n);
  math('log', Math.log);
  math('log2', Math.log2);
  math('log10', Math.log10);
  defineValueArgs('pow', 2, (_i, a, b) => (typeof a === 'number' && typeof b === 'number' ? a ** b : fail('number required')));
  for (const [name, type] of [['nulls', 'null'], ['booleans', 'boolean'], ['numbers', 'number'], ['strings', 'string'], ['arrays', 'array'], ['objects', 'object']] as const) {
    define(name, 0, () => fromGen((i, _e, emit) => { if (typeOf(i) === type) emit(i); }, (v, _e, p, emit) => { if (typeOf(v) === type) emit(p, v); }));
  }
  define('values', 0, () => fromGen((i, _e, emit) => { if (i !== null && i !== undefined) emit(i); }, (v, _e, p, emit) => { if (v !== null && v !== undefined) emit(p, v); }));
  define('iterables', 0, () => fromGen((i, _e, emit) => { if (typeof i === 'object' && i !== null) emit(i); }, (v, _e, p, emit) => { if (typeof v === 'object' && v !== null) emit(p, v); }));
  define('scalars', 0, () => fromGen((i, _e, emit) => { if (typeof i !== 'object' || i === null) emit(i); }, (v, _e, p, emit) => { if (typeof v !== 'object' || v === null) emit(p, v); }));
}
