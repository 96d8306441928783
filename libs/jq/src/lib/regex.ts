/**
 * jq's Oniguruma regexes run on RE2 (the pure-JS `re2js`): a JS RegExp backtracks and cannot be interrupted by the
 * step budget (`a*a*a*a*c` takes seconds on 200 characters), while RE2 matches in time linear in the subject, so
 * every search is charged by the length it scans. What RE2 cannot do in linear time (backreferences, lookaround,
 * atomic groups, possessive quantifiers) is refused with `JQ_RUNTIME`, as a bad regex is.
 */
import { RE2JS } from 're2js';
import { fail } from './errors.js';
import { charge } from './runtime.js';
import { typeOf } from './values.js';

const MAX_PATTERN = 1_000;

export interface Compiled {
  re: RE2JS;
  global: boolean;
  skipEmpty: boolean;
  names: (string | null)[];
  /** Steps per subject character a search may scan: RE2's NFA advances every instruction of the program per character. */
  weight: number;
}

const cache = new Map<string, Compiled>();

// RE2's messages quote the pattern, which may come from the data: map them onto fixed, value-free ones.
function unsupported(src: string): string {
  if (/\\[1-9k]/.test(src)) return 'regex backreferences are not supported';
  if (/\(\?<?[=!]/.test(src)) return 'regex lookahead and lookbehind are not supported';
  if (/\(\?>|[*+?}][+]/.test(src)) return 'regex atomic groups and possessive quantifiers are not supported';
  return 'invalid regular expression';
}

/** Compiles `pattern` with jq flags (`g i x n s l p`), cached. */
export function compileRegex(pattern: unknown, flags: unknown): Compiled {
  if (typeof pattern !== 'string') return fail(`${typeOf(pattern)} cannot be matched, as it is not a string`);
  if (flags !== null && typeof flags !== 'string') return fail(`${typeOf(flags)} is not a string`);
  const key = `${flags ?? ''}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN) fail('regex pattern too long');
  let src = pattern;
  let reFlags = 0;
  let global = false;
  let skipEmpty = false;
  for (const f of (flags as string | null) ?? '') {
    if (f === 'g') global = true;
    else if (f === 'i') reFlags |= RE2JS.CASE_INSENSITIVE;
    else if (f === 'x' || f === 'p') src = src.replace(/\\#|#[^\n]*|\s+/g, (m) => (m === '\\#' ? m : ''));
    else if (f === 'n') skipEmpty = true;
    else if (f === 's') reFlags |= RE2JS.DOTALL;
    else if (f !== 'l') return fail(`${f} is not a valid modifier string`);
  }
  // Compiling is uninterruptible too, and costs about its program size (a `{1000}` repeat is 1000 copies): a
  // pattern computed per input pays for every compilation, so a template cannot spend seconds compiling.
  charge(src.length * 10);
  let re: RE2JS;
  try {
    re = RE2JS.compile(src, reFlags);
  } catch {
    return fail(unsupported(src));
  }
  charge(re.programSize() * 10);
  const names = new Array<string | null>(re.groupCount()).fill(null);
  for (const [name, at] of Object.entries(re.namedGroups())) names[at - 1] = name;
  const out = { re, global, skipEmpty, names, weight: 1 + (re.programSize() >> 3) };
  if (cache.size > 200) cache.clear();
  cache.set(key, out);
  return out;
}

export interface JqMatch {
  offset: number;
  length: number;
  string: string;
  captures: { offset: number; length: number; string: string | null; name: string | null }[];
}

const HAS_SURROGATE = /[\uD800-\uDFFF]/;

/** UTF-16 index → code point index; the identity unless the subject has astral characters. */
function codePointIndex(s: string): (unit: number) => number {
  if (!HAS_SURROGATE.test(s)) return (unit) => unit;
  const at = new Int32Array(s.length + 1);
  for (let i = 0, n = 0; i <= s.length; i++) {
    at[i] = n;
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return (unit) => at[unit];
}

/**
 * jq's `match` objects, offsets in code points, found as jq 1.6 searches: after an empty match the next search
 * starts one past the previous *search start*, so an empty match `k` characters ahead is reported `k + 1` times
 * (`"ab" | [match("$"; "g")]` has two), and no search starts at the very end of a non-empty subject.
 */
export function matchAll(input: unknown, c: Compiled): JqMatch[] {
  if (typeof input !== 'string') return fail(`${typeOf(input)} cannot be matched, as it is not a string`);
  const end = input.length;
  const cp = codePointIndex(input);
  const m = c.re.matcher(input);
  const groups = c.names.length;
  const out: JqMatch[] = [];
  let start = 0;
  do {
    // Charged before it runs, as it cannot be interrupted: one search may scan to the end (`a.*b|a` on "aaa…"),
    // so a global match over a long subject costs up to quadratic steps, as it costs that time.
    charge((end - start + 1) * c.weight);
    if (!m.find(start)) break;
    const from = m.start();
    const to = m.end();
    charge(groups + 1);
    const captures: JqMatch['captures'] = [];
    for (let g = 1; g <= groups; g++) {
      const s = m.start(g);
      if (s < 0) captures.push({ offset: -1, length: 0, string: null, name: c.names[g - 1] });
      else captures.push({ offset: cp(s), length: cp(m.end(g)) - cp(s), string: m.group(g), name: c.names[g - 1] });
    }
    const match: JqMatch = { offset: cp(from), length: cp(to) - cp(from), string: m.group() ?? '', captures };
    if (from === to) {
      if (!c.skipEmpty) {
        const copies = from < end ? from - start + 1 : Math.max(1, end - start);
        charge(copies);
        for (let k = 0; k < copies && (k === 0 || c.global); k++) out.push(k === 0 ? match : { ...match, captures: captures.map((x) => ({ ...x })) });
      }
      start = from + 1;
    } else {
      out.push(match);
      start = to;
    }
    // `n` skips empty matches: without `g`, the search goes on to the first non-empty one.
  } while ((c.global || out.length === 0) && start < end);
  return out;
}
