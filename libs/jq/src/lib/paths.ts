/** Immutable path operations behind `getpath`, `setpath`, `delpaths`, `del` and the assignment operators. */
import { fail } from './errors.js';
import { index } from './operators.js';
import { charge } from './runtime.js';
import { compare, getKey, isObject, setKey, typeOf, type JqObject } from './values.js';

export function getPath(v: unknown, path: unknown): unknown {
  if (!Array.isArray(path)) return fail('Path must be specified as an array');
  charge(path.length);
  let cur = v;
  for (const k of path) {
    if (cur === null || cur === undefined) return null;
    cur = index(cur, k);
  }
  return cur;
}

function sliceBounds(len: number, k: JqObject): [number, number] {
  const clamp = (n: unknown, dflt: number): number => {
    if (n === null || n === undefined) return dflt;
    if (typeof n !== 'number') return fail('Start and end indices of an array slice must be numbers');
    const x = n < 0 ? len + n : n;
    return Math.min(len, Math.max(0, x));
  };
  const start = Math.floor(clamp(getKey(k, 'start'), 0));
  return [start, Math.max(start, Math.ceil(clamp(getKey(k, 'end'), len)))];
}

export function setPath(v: unknown, path: unknown, x: unknown, at = 0): unknown {
  if (!Array.isArray(path)) return fail('Path must be specified as an array');
  if (at === path.length) return x;
  const k = path[at];
  if (typeof k === 'string') {
    if (v !== null && v !== undefined && !isObject(v)) return fail(`Cannot index ${typeOf(v)} with string`);
    const o = (v ?? {}) as JqObject;
    const out: JqObject = {};
    const keys = Object.keys(o);
    charge(keys.length + 1);
    for (const key of keys) setKey(out, key, o[key]);
    setKey(out, k, setPath(getKey(o, k), path, x, at + 1));
    return out;
  }
  if (typeof k === 'number') {
    if (v !== null && v !== undefined && !Array.isArray(v)) return fail(`Cannot index ${typeOf(v)} with number`);
    const a = ((v ?? []) as unknown[]).slice();
    const i = Math.trunc(k < 0 ? a.length + k : k);
    if (i < 0) return fail('Out of bounds negative array index');
    charge(Math.max(a.length, i + 1));
    while (a.length < i) a.push(null);
    a[i] = setPath(a[i] ?? null, path, x, at + 1);
    return a;
  }
  if (isObject(k)) {
    if (v !== null && v !== undefined && !Array.isArray(v)) return fail(`Cannot update field at object index of ${typeOf(v)}`);
    const a = (v ?? []) as unknown[];
    const [s, e] = sliceBounds(a.length, k);
    const repl = setPath(a.slice(s, e), path, x, at + 1);
    if (!Array.isArray(repl)) return fail('A slice of an array can only be assigned another array');
    charge(a.length + repl.length);
    return [...a.slice(0, s), ...repl, ...a.slice(e)];
  }
  return fail(`Invalid path component of type ${typeOf(k)}`);
}

function delPath(v: unknown, path: unknown[], at: number): unknown {
  if (v === null || v === undefined) return null;
  const k = path[at];
  if (at === path.length - 1) {
    if (typeof k === 'string') {
      if (!isObject(v)) return fail(`Cannot delete field at object index of ${typeOf(v)}`);
      const out: JqObject = {};
      const keys = Object.keys(v);
      charge(keys.length);
      for (const key of keys) if (key !== k) setKey(out, key, v[key]);
      return out;
    }
    if (typeof k === 'number') {
      if (!Array.isArray(v)) return fail(`Cannot delete field at index of ${typeOf(v)}`);
      const i = k < 0 ? v.length + k : k;
      if (i < 0) return fail('Out of bounds negative array index');
      charge(v.length);
      return v.filter((_x, j) => j !== i);
    }
    if (isObject(k) && Array.isArray(v)) {
      const [s, e] = sliceBounds(v.length, k);
      charge(v.length);
      return [...v.slice(0, s), ...v.slice(e)];
    }
    return fail(`Invalid path component of type ${typeOf(k)}`);
  }
  const child = index(v, k);
  if (child === null || child === undefined) return v;
  return setPath(v, [k], delPath(child, path, at + 1));
}

/**
 * Deletes the paths longest-and-last first, so earlier deletions do not shift later ones; a path given twice is
 * deleted once, as in jq (`del(.[0], .[0])` removes one element).
 */
export function delPaths(v: unknown, paths: unknown): unknown {
  if (!Array.isArray(paths)) return fail('Paths must be specified as an array');
  const sorted = paths.slice().sort(compare).reverse();
  let out = v;
  for (let j = 0; j < sorted.length; j++) {
    const p = sorted[j];
    if (!Array.isArray(p)) return fail('Path must be specified as an array');
    if (j > 0 && compare(p, sorted[j - 1]) === 0) continue;
    out = p.length === 0 ? null : delPath(out, p, 0);
  }
  return out;
}
