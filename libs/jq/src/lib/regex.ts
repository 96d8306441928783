/**
 * jq's Oniguruma regexes mapped onto JS RegExp, with guards: a JS regex cannot be interrupted by the step
 * budget, so patterns that can backtrack exponentially (nested or alternating quantified groups,
 * backreferences) are refused, and subjects are capped in length.
 */
import { JqBudgetExceeded, fail } from './errors.js';
import { typeOf } from './values.js';

export const MAX_REGEX_SUBJECT = 10_000;
const MAX_PATTERN = 1_000;

export interface Compiled { re: RegExp; global: boolean; skipEmpty: boolean }

const cache = new Map<string, Compiled>();

/** Refuses patterns whose backtracking can explode; a simple star-height check over the pattern text. */
function assertSafe(src: string): void {
  if (src.length > MAX_PATTERN) fail('regex pattern too long');
  // Each open group: does it contain a quantifier or an alternation?
  const stack: { quantified: boolean; alternates: boolean }[] = [{ quantified: false, alternates: false }];
  let lastClosed: { quantified: boolean; alternates: boolean } | null = null;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      if (/[1-9k]/.test(src[i + 1] ?? '')) fail('regex backreferences are not supported');
      i++;
      lastClosed = null;
      continue;
    }
    if (c === '[') {
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      lastClosed = null;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '(') { stack.push({ quantified: false, alternates: false }); lastClosed = null; continue; }
    if (c === ')') {
      const g = stack.length > 1 ? stack.pop()! : top;
      if (g.quantified) stack[stack.length - 1].quantified = true;
      lastClosed = g;
      continue;
    }
    if (c === '|') { top.alternates = true; lastClosed = null; continue; }
    const repeats = c === '*' || c === '+' || (c === '{' && /^\{\d*,\d*\}|^\{\d+\}/.test(src.slice(i)));
    if (repeats) {
      if (lastClosed && (lastClosed.quantified || lastClosed.alternates)) fail('regex has nested quantifiers, which can backtrack without bound');
      top.quantified = true;
    }
    if (c !== '?') lastClosed = null;
  }
}

/** Compiles `pattern` with jq flags (`g i x n s l p`), cached. */
export function compileRegex(pattern: unknown, flags: unknown): Compiled {
  if (typeof pattern !== 'string') return fail(`${typeOf(pattern)} cannot be matched, as it is not a string`);
  if (flags !== null && typeof flags !== 'string') return fail(`${typeOf(flags)} is not a string`);
  const key = `${flags ?? ''}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let src = pattern;
  let jsFlags = 'u';
  let global = false;
  let skipEmpty = false;
  for (const f of (flags as string | null) ?? '') {
    if (f === 'g') global = true;
    else if (f === 'i') jsFlags += 'i';
    else if (f === 'x' || f === 'p') src = src.replace(/\\#|#[^\n]*|\s+/g, (m) => (m === '\\#' ? m : ''));
    else if (f === 'n') skipEmpty = true;
    else if (f === 's') jsFlags += 's';
    else if (f !== 'l') return fail(`${f} is not a valid modifier string`);
  }
  assertSafe(src);
  let re: RegExp;
  try {
    re = new RegExp(src, jsFlags + 'g');
  } catch {
    try { re = new RegExp(src, jsFlags.replace('u', '') + 'g'); } catch { return fail('invalid regular expression'); }
  }
  const out = { re, global, skipEmpty };
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

/** jq's `match` objects, offsets in code points. */
export function matchAll(input: unknown, c: Compiled): JqMatch[] {
  if (typeof input !== 'string') return fail(`${typeOf(input)} cannot be matched, as it is not a string`);
  if (input.length > MAX_REGEX_SUBJECT) throw new JqBudgetExceeded('string too long for a regular expression');
  const names = groupNames(c.re);
  const cp = (unitIndex: number): number => codePointLength(input.slice(0, unitIndex));
  const out: JqMatch[] = [];
  c.re.lastIndex = 0;
  for (let m = c.re.exec(input); m; m = c.re.exec(input)) {
    if (m[0] === '') {
      c.re.lastIndex++;
      // jq does not report an empty match at the very end of the subject.
      if (m.index >= input.length && input.length > 0) break;
      if (c.skipEmpty) { if (!c.global) break; continue; }
    }
    const offset = cp(m.index);
    let searchFrom = m.index;
    const captures = m.slice(1).map((g, j) => {
      if (g === undefined) return { offset: -1, string: null, length: 0, name: names[j] };
      const at = input.indexOf(g, searchFrom);
      searchFrom = at >= 0 ? at : searchFrom;
      return { offset: cp(at >= 0 ? at : m!.index), length: codePointLength(g), string: g, name: names[j] };
    });
    out.push({ offset, length: codePointLength(m[0]), string: m[0], captures });
    if (!c.global) break;
  }
  return out;
}

function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** Names of capture groups in order (null for unnamed), read from the pattern text. */
function groupNames(re: RegExp): (string | null)[] {
  const names: (string | null)[] = [];
  const src = re.source;
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') { i++; continue; }
    if (src[i] === '[') { for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++; continue; }
    if (src[i] !== '(') continue;
    if (src[i + 1] !== '?') { names.push(null); continue; }
    const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(src.slice(i));
    if (named) names.push(named[1]);
  }
  return names;
}
