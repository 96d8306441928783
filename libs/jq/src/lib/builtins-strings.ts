/** String builtins: trimming, splitting, joining, searching, regexes. */
import { fail } from './errors.js';
import { cartesianInOrder, fromGen, type Env, type Filter } from './filter.js';
import { indicesOf, iterable, splitString } from './operators.js';
import { compileRegex, matchAll, type JqMatch } from './regex.js';
import { define, defineValueArgs } from './registry.js';
import { charge, tick } from './runtime.js';
import { toJson, typeOf } from './values.js';

function join(v: unknown, sep: unknown): string {
  const items = iterable(v);
  if (items.length === 0) return '';
  if (typeof sep !== 'string') return fail(`${typeOf(sep)} cannot be used to join strings`);
  // Charged by the length of the result before it is built.
  let n = items.length * (sep.length + 1);
  for (const x of items) if (typeof x === 'string') n += x.length;
  charge(n);
  return items.map((x) => {
    if (x === null || x === undefined) return '';
    if (typeof x === 'string') return x;
    if (typeof x === 'number' || typeof x === 'boolean') return toJson(x);
    return fail(`Cannot join with ${typeOf(x)}`);
  }).join(sep);
}

/** jq 1.6 reports string positions in UTF-8 bytes for `index`/`rindex`/`indices`. */
function stringIndices(s: string, needle: string): number[] {
  if (needle === '') return [];
  charge(s.length);
  const out: number[] = [];
  // Byte offsets counted incrementally: measuring each prefix anew is quadratic in the number of hits.
  let bytes = 0;
  let prev = 0;
  for (let at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
    tick();
    bytes += Buffer.byteLength(s.slice(prev, at), 'utf8');
    prev = at;
    out.push(bytes);
  }
  return out;
}

function indices(v: unknown, x: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && typeof x === 'string') return stringIndices(v, x);
  if (Array.isArray(v)) return indicesOf(v, Array.isArray(x) ? x : [x]);
  return fail(`Cannot determine indices in ${typeOf(v)}`);
}

const needStrings = (name: string, a: unknown, b: unknown): void => {
  if (typeof a !== 'string' || typeof b !== 'string') fail(`${name}() requires string inputs`);
  charge((b as string).length >> 4);
};

function captureObject(m: JqMatch): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const c of m.captures) if (c.name !== null) o[c.name] = c.string;
  return o;
}

function regexSplit(s: unknown, re: unknown, flags: unknown): string[] {
  const ms = matchAll(s, { ...compileRegex(re, flags), global: true });
  const str = s as string;
  const cps = Array.from(str);
  const out: string[] = [];
  let prev = 0;
  for (const m of ms) { out.push(cps.slice(prev, m.offset).join('')); prev = m.offset + m.length; }
  out.push(cps.slice(prev).join(''));
  return out;
}

/** `sub`/`gsub`: the replacement filter runs on each match's capture object; every combination is an output. */
function substitute(args: Filter[], global: boolean): Filter {
  const [re, rep, flags] = args;
  const settings = cartesianInOrder(flags ? [re, flags] : [re], (v) => v);
  return fromGen((i, e: Env, emit) => settings.gen(i, e, (st) => {
    const [pattern, fl] = st as [unknown, unknown];
    const compiled = compileRegex(pattern, (fl ?? '') + (global ? 'g' : ''));
    const found = matchAll(i, compiled);
    // jq 1.6 reports an empty match ahead of its search start once per skipped position (`"ab" | match("$"; "g")`
    // twice); it is replaced once.
    const ms = found.filter((m, j) => j === 0 || m.offset !== found[j - 1].offset || m.length !== found[j - 1].length);
    const str = Array.from(i as string);
    const go = (j: number, tail: string): void => {
      if (j < 0) { emit(tail); return; }
      const m = ms[j];
      const before = str.slice(j === 0 ? 0 : ms[j - 1].offset + ms[j - 1].length, m.offset).join('');
      rep.gen(captureObject(m), e, (r) => {
        if (typeof r !== 'string') fail(`${typeOf(r)} cannot be added to a string`);
        // Every combination of replacements is an output: charged as built, so they cannot multiply unpaid.
        charge(before.length + (r as string).length + 1);
        go(j - 1, before + (r as string) + tail);
      });
    };
    if (ms.length === 0) { emit(i); return; }
    const last = ms[ms.length - 1];
    go(ms.length - 1, str.slice(last.offset + last.length).join(''));
  }));
}

export function registerStringBuiltins(): void {
  defineValueArgs('join', 1, join);
  defineValueArgs('split', 1, (v, sep) => {
    if (typeof v !== 'string' || typeof sep !== 'string') return fail('split input and separator must be strings');
    return splitString(v, sep);
  });
  defineValueArgs('split', 2, regexSplit);
  defineValueArgs('ltrimstr', 1, (v, p) => (typeof v === 'string' && typeof p === 'string' && (charge(p.length >> 4), v.startsWith(p)) ? v.slice(p.length) : v));
  defineValueArgs('rtrimstr', 1, (v, p) => (typeof v === 'string' && typeof p === 'string' && (charge(p.length >> 4), v.endsWith(p)) && p !== '' ? v.slice(0, v.length - p.length) : v));
  defineValueArgs('startswith', 1, (v, p) => { needStrings('startswith', v, p); return (v as string).startsWith(p as string); });
  defineValueArgs('endswith', 1, (v, p) => { needStrings('endswith', v, p); return (v as string).endsWith(p as string); });
  defineValueArgs('indices', 1, indices);
  defineValueArgs('index', 1, (v, x) => { const r = indices(v, x); return Array.isArray(r) ? r[0] ?? null : r; });
  defineValueArgs('rindex', 1, (v, x) => { const r = indices(v, x); return Array.isArray(r) ? r[r.length - 1] ?? null : r; });
  defineValueArgs('test', 1, (v, re) => matchAll(v, compileRegex(re, null)).length > 0);
  defineValueArgs('test', 2, (v, re, fl) => matchAll(v, { ...compileRegex(re, fl), global: false }).length > 0);
  for (const arity of [1, 2]) {
    define('match', arity, (args) => {
      const settings = cartesianInOrder(args, (v) => v);
      return fromGen((i, e, emit) => settings.gen(i, e, (st) => {
        const [re, fl] = st as [unknown, unknown];
        for (const m of matchAll(i, compileRegex(re, fl ?? null))) emit(m);
      }));
    });
    define('capture', arity, (args) => {
      const settings = cartesianInOrder(args, (v) => v);
      return fromGen((i, e, emit) => settings.gen(i, e, (st) => {
        const [re, fl] = st as [unknown, unknown];
        for (const m of matchAll(i, compileRegex(re, fl ?? null))) emit(captureObject(m));
      }));
    });
    define('splits', arity, (args) => {
      const settings = cartesianInOrder(args, (v) => v);
      return fromGen((i, e, emit) => settings.gen(i, e, (st) => {
        const [re, fl] = st as [unknown, unknown];
        for (const part of regexSplit(i, re, fl ?? null)) emit(part);
      }));
    });
  }
  define('scan', 1, ([re]) => fromGen((i, e, emit) => re.gen(i, e, (pattern) => {
    for (const m of matchAll(i, { ...compileRegex(pattern, null), global: true })) {
      emit(m.captures.length ? m.captures.map((c) => c.string) : m.string);
    }
  })));
  define('sub', 2, (args) => substitute(args, false));
  define('sub', 3, (args) => substitute(args, false));
  define('gsub', 2, (args) => substitute(args, true));
  define('gsub', 3, (args) => substitute(args, true));
}
