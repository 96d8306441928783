/** jq value helpers: types, jq's total order, key access and jq 1.6's text form of numbers. */
import { charge, tick } from './runtime.js';

export type JqObject = Record<string, unknown>;

const ObjectProto = Object.prototype;

/** jq's type name; `undefined` (absent in a JS record) is jq `null`. */
export function typeOf(v: unknown): 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'number': return 'number';
    case 'string': return 'string';
    default: return Array.isArray(v) ? 'array' : 'object';
  }
}

export const isObject = (v: unknown): v is JqObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const truthy = (v: unknown): boolean => v !== false && v !== null && v !== undefined;

/** An own property, or jq `null`: never an inherited `constructor`/`__proto__`. */
export function getKey(o: JqObject, k: string): unknown {
  const v = o[k];
  if (v === undefined) return null;
  if ((typeof v === 'function' || v === ObjectProto) && !Object.hasOwn(o, k)) return null;
  return v;
}

/** Sets an own property, safely for `__proto__`. */
export function setKey(o: JqObject, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

const TYPE_RANK = { null: 0, boolean: 1, number: 3, string: 4, array: 5, object: 6 } as const;

/**
 * jq's total order: null < false < true < numbers < strings < arrays < objects. One step per pair of values
 * compared: two values that share structure can be exponentially larger than the steps that built them.
 */
export function compare(a: unknown, b: unknown): number {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) return TYPE_RANK[ta] - TYPE_RANK[tb];
  tick();
  switch (ta) {
    case 'null': return 0;
    case 'boolean': return (a ? 1 : 0) - (b ? 1 : 0);
    case 'number': {
      const x = a as number;
      const y = b as number;
      // jq 1.6: a NaN on the left is below anything (`nan < nan` is true), so NaN sorts first and `min` finds it.
      return Number.isNaN(x) || x < y ? -1 : x === y ? 0 : 1;
    }
    case 'string': return compareStrings(a as string, b as string);
    case 'array': {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compare(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length - y.length;
    }
    default: {
      // Objects compare by their sorted key sets first, then value by value in key order.
      const x = a as JqObject;
      const y = b as JqObject;
      const kx = Object.keys(x).sort(compareStrings);
      const ky = Object.keys(y).sort(compareStrings);
      const c = compare(kx, ky);
      if (c !== 0) return c;
      for (const k of kx) {
        const d = compare(x[k], y[k]);
        if (d !== 0) return d;
      }
      return 0;
    }
  }
}

/** jq compares strings by their UTF-8 bytes, which is code point order (not JS's UTF-16 unit order). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) { charge(i >> 4); return ca < cb ? -1 : 1; }
    if (ca > 0xffff) i++;
  }
  charge(i >> 4);
  return a.length - b.length;
}

export function equals(a: unknown, b: unknown): boolean {
  // Equal-length strings compare character by character: a long one compared in a loop is work.
  if (typeof a === 'string' && typeof b === 'string') { if (a.length === b.length) charge(a.length >> 4); return a === b; }
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return (a ?? null) === (b ?? null);
  return compare(a, b) === 0;
}

/** Object keys in jq's `keys` order (sorted by code point). */
export function sortedKeys(o: JqObject): string[] {
  const keys = Object.keys(o);
  charge(keys.length);
  return keys.sort(compareStrings);
}

/** A number as jq 1.6 prints it: shortest round-trip digits, `1e+17` style past 17 digits, `null` for NaN. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'null';
  if (!Number.isFinite(n)) return n > 0 ? '1.7976931348623157e+308' : '-1.7976931348623157e+308';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  const [mant, expText] = n.toExponential().split('e');
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const decpt = Number(expText) + 1;
  let out: string;
  if (decpt <= -4 || decpt > digits.length + 15) {
    const e = decpt - 1;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    out = `${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}e${e < 0 ? '-' : '+'}${ee}`;
  } else if (decpt <= 0) {
    out = `0.${'0'.repeat(-decpt)}${digits}`;
  } else if (decpt >= digits.length) {
    out = digits + '0'.repeat(decpt - digits.length);
  } else {
    out = `${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  return neg ? '-' + out : out;
}

/** A JSON string literal as jq 1.6 writes it: JSON.stringify's escapes, and DEL (U+007F) as `\u007f`. */
function jsonString(s: string): string {
  charge(s.length);
  const out = JSON.stringify(s);
  return out.includes('\x7f') ? out.replace(/\x7f/g, '\\u007f') : out;
}

/**
 * `tojson`: compact JSON with jq's number text and key order as stored. Charged per node and character as it
 * goes, so a value with shared structure stops at the budget instead of being written out 2^n times.
 */
export function toJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean': return v ? 'true' : 'false';
    case 'number': return formatNumber(v);
    case 'string': return jsonString(v);
    case 'object': {
      tick();
      if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
      const parts: string[] = [];
      for (const k of Object.keys(v)) parts.push(jsonString(k) + ':' + toJson((v as JqObject)[k]));
      return '{' + parts.join(',') + '}';
    }
    default: return 'null';
  }
}

/** `tostring`: strings unchanged, everything else as `tojson`. */
export const toText = (v: unknown): string => (typeof v === 'string' ? v : toJson(v));
