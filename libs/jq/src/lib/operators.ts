/** jq's arithmetic, indexing and slicing, with its typing rules. Errors name types, never values. */
import { fail } from './errors.js';
import { charge } from './runtime.js';
import { compare, getKey, isObject, setKey, typeOf, type JqObject } from './values.js';

export function add(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  if (typeof a === 'string' && typeof b === 'string') { charge(a.length + b.length); return a + b; }
  if (Array.isArray(a) && Array.isArray(b)) { charge(a.length + b.length); return a.concat(b); }
  if (isObject(a) && isObject(b)) return merge(a, b);
  return fail(`${typeOf(a)} and ${typeOf(b)} cannot be added`);
}

function merge(a: JqObject, b: JqObject): JqObject {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  charge(ka.length + kb.length);
  const out: JqObject = {};
  for (const k of ka) setKey(out, k, a[k]);
  for (const k of kb) setKey(out, k, b[k]);
  return out;
}

export function subtract(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (Array.isArray(a) && Array.isArray(b)) {
    charge(a.length * Math.max(1, b.length));
    return a.filter((x) => !b.some((y) => compare(x, y) === 0));
  }
  return fail(`${typeOf(a)} and ${typeOf(b)} cannot be subtracted`);
}

export function multiply(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if ((typeof a === 'string' && typeof b === 'number') || (typeof a === 'number' && typeof b === 'string')) {
    const s = (typeof a === 'string' ? a : b) as string;
    const n = (typeof a === 'number' ? a : b) as number;
    if (!(n > 0)) return null;
    const times = Math.trunc(n - 1) + 1;
    charge(s.length * times);
    return s.repeat(times);
  }
  if (isObject(a) && isObject(b)) return deepMerge(a, b);
  return fail(`${typeOf(a)} and ${typeOf(b)} cannot be multiplied`);
}

// Charged per key copied at every level: merging a value with shared structure (`{a: ., b: .}` thirty times)
// visits each copy.
function deepMerge(a: JqObject, b: JqObject): JqObject {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  charge(ka.length + kb.length + 1);
  const out: JqObject = {};
  for (const k of ka) setKey(out, k, a[k]);
  for (const k of kb) {
    const x = getKey(out, k);
    const y = b[k];
    setKey(out, k, isObject(x) && isObject(y) ? deepMerge(x, y) : y);
  }
  return out;
}

export function divide(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    if (b === 0) return fail('number and number cannot be divided because the divisor is zero');
    return a / b;
  }
  if (typeof a === 'string' && typeof b === 'string') return splitString(a, b);
  return fail(`${typeOf(a)} and ${typeOf(b)} cannot be divided`);
}

export function modulo(a: unknown, b: unknown): unknown {
  if (typeof a === 'number' && typeof b === 'number') {
    const d = Math.trunc(b);
    if (d === 0 || Number.isNaN(d)) return fail('number and number cannot be divided because the divisor is zero');
    return Math.trunc(a) % d || 0;
  }
  return fail(`${typeOf(a)} and ${typeOf(b)} cannot be divided`);
}

export function splitString(s: string, sep: string): string[] {
  if (s === '') return [];
  charge(s.length);
  return s.split(sep);
}

/** `.[k]` for every kind of target and key. */
export function index(t: unknown, k: unknown): unknown {
  if (typeof k === 'string') {
    if (isObject(t)) return getKey(t, k);
    if (t === null || t === undefined) return null;
    return fail(`Cannot index ${typeOf(t)} with string`);
  }
  if (typeof k === 'number') {
    if (Array.isArray(t)) {
      if (!Number.isInteger(k)) return null;
      const i = k < 0 ? t.length + k : k;
      return i >= 0 && i < t.length ? t[i] ?? null : null;
    }
    if (t === null || t === undefined) return null;
    return fail(`Cannot index ${typeOf(t)} with number`);
  }
  if (isObject(k) && (Array.isArray(t) || t === null || t === undefined)) {
    return slice(t, getKey(k, 'start'), getKey(k, 'end'));
  }
  if (Array.isArray(k) && Array.isArray(t)) return indicesOf(t, k);
  if ((t === null || t === undefined) && (k === null || k === undefined)) return null;
  return fail(`Cannot index ${typeOf(t)} with ${typeOf(k)}`);
}

/** Positions where `needle` occurs in `hay` as a contiguous run. */
export function indicesOf(hay: unknown[], needle: unknown[]): number[] {
  const out: number[] = [];
  if (needle.length === 0) return out;
  charge(hay.length);
  for (let i = 0; i + needle.length <= hay.length; i++) {
    let ok = true;
    for (let j = 0; j < needle.length && ok; j++) ok = compare(hay[i + j], needle[j]) === 0;
    if (ok) out.push(i);
  }
  return out;
}

const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** `.[from:to]` on arrays, strings (by code point) and null. */
export function slice(t: unknown, from: unknown, to: unknown): unknown {
  if (t === null || t === undefined) return null;
  if ((from !== null && typeof from !== 'number') || (to !== null && typeof to !== 'number')) {
    return fail('Start and end indices of an array slice must be numbers');
  }
  let seq: unknown[] | string;
  // Slicing a string reads it whole (code points); slicing an array copies the slice.
  if (typeof t === 'string') { charge(t.length); seq = HAS_SURROGATE.test(t) ? Array.from(t) : t; }
  else if (Array.isArray(t)) seq = t;
  else return fail(`Cannot index ${typeOf(t)} with object`);
  const len = seq.length;
  const clamp = (n: number): number => Math.min(len, Math.max(0, n < 0 ? len + n : n));
  const start = from === null ? 0 : clamp(Math.floor(from));
  const end = Math.max(start, to === null ? len : clamp(Math.ceil(to)));
  if (Array.isArray(seq)) charge(end - start);
  const part = seq.slice(start, end);
  return typeof t === 'string' ? (Array.isArray(part) ? part.join('') : part) : part;
}

/** The values of `.[]`, or an error for scalars. */
export function iterable(t: unknown): unknown[] {
  if (Array.isArray(t)) return t;
  if (isObject(t)) { const vs = Object.values(t); charge(vs.length); return vs; }
  return fail(`Cannot iterate over ${typeOf(t)}`);
}

/** jq's `length`. */
export function lengthOf(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Math.abs(v);
  if (typeof v === 'string') { charge(v.length >> 4); return HAS_SURROGATE.test(v) ? Array.from(v).length : v.length; }
  if (Array.isArray(v)) return v.length;
  if (isObject(v)) { const n = Object.keys(v).length; charge(n); return n; }
  return fail(`${typeOf(v)} has no length`);
}
