import { JqError } from './errors.js';

/** One token; `STR` carries its literal parts and the token lists of its `\(…)` interpolations. */
export type Token =
  | { t: 'NUM'; v: number; pos: number }
  | { t: 'STR'; parts: (string | Token[])[]; pos: number }
  | { t: 'IDENT'; v: string; pos: number }
  | { t: 'FIELD'; v: string; pos: number }
  | { t: 'VAR'; v: string; pos: number }
  | { t: 'FORMAT'; v: string; pos: number }
  | { t: 'OP'; v: string; pos: number }
  | { t: 'EOF'; pos: number };

// Longest first, so `//=` wins over `//` and `/`.
const OPERATORS = [
  '//=', '|=', '+=', '-=', '*=', '/=', '%=', '==', '!=', '<=', '>=', '//', '..',
  '|', ',', '+', '-', '*', '/', '%', '=', '<', '>', '.', '[', ']', '(', ')', '{', '}', ':', ';', '?',
];

const isIdentStart = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string): boolean => isIdentStart(c) || (c >= '0' && c <= '9');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/** Tokenises a jq program. Throws `JqError` `JQ_PARSE` with the offending position. */
export function lex(src: string): Token[] {
  const { tokens, end } = lexFrom(src, 0, false);
  if (end !== src.length) throw new JqError('JQ_PARSE', `syntax error: unexpected ')' at position ${end}`);
  return tokens;
}

// inInterp: stop at the `)` that closes a `\(` (depth 0) and return its position.
function lexFrom(src: string, start: number, inInterp: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = start;
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (c === '"') {
      const s = lexString(src, i);
      tokens.push(s.token);
      i = s.end;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 400));
      const text = m ? m[0] : c;
      tokens.push({ t: 'NUM', v: Number(text), pos: i });
      i += text.length;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < src.length && (isIdentPart(src[j]) || (src[j] === ':' && src[j + 1] === ':' && isIdentStart(src[j + 2] ?? '')))) {
        j += src[j] === ':' ? 2 : 1;
      }
      tokens.push({ t: 'IDENT', v: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if ((c === '.' || c === '$' || c === '@') && isIdentStart(src[i + 1] ?? '')) {
      let j = i + 2;
      while (j < src.length && isIdentPart(src[j])) j++;
      if (c === '$' && src.startsWith('::', j)) throw new JqError('JQ_FORBIDDEN', `module variables are not available (position ${i})`);
      const v = src.slice(i + 1, j);
      tokens.push({ t: c === '.' ? 'FIELD' : c === '$' ? 'VAR' : 'FORMAT', v, pos: i });
      i = j;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new JqError('JQ_PARSE', `syntax error: unexpected character at position ${i}`);
    if (inInterp) {
      if (op === '(') depth++;
      else if (op === ')') {
        if (depth === 0) return { tokens: [...tokens, { t: 'EOF', pos: i }], end: i };
        depth--;
      }
    }
    tokens.push({ t: 'OP', v: op, pos: i });
    i += op.length;
  }
  if (inInterp) throw new JqError('JQ_PARSE', `syntax error: unterminated string interpolation at position ${start}`);
  tokens.push({ t: 'EOF', pos: i });
  return { tokens, end: i };
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', '/': '/', '"': '"' };

function lexString(src: string, start: number): { token: Token; end: number } {
  const parts: (string | Token[])[] = [];
  let buf = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      if (buf !== '' || parts.length === 0) parts.push(buf);
      return { token: { t: 'STR', parts, pos: start }, end: i + 1 };
    }
    if (c !== '\\') { buf += c; i++; continue; }
    const e = src[i + 1];
    if (e === '(') {
      if (buf !== '') parts.push(buf);
      buf = '';
      const inner = lexFrom(src, i + 2, true);
      parts.push(inner.tokens);
      i = inner.end + 1;
    } else if (e === 'u') {
      const hex = src.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JqError('JQ_PARSE', `invalid \\u escape at position ${i}`);
      buf += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (e !== undefined && ESCAPES[e] !== undefined) {
      buf += ESCAPES[e];
      i += 2;
    } else {
      throw new JqError('JQ_PARSE', `invalid escape at position ${i}`);
    }
  }
  throw new JqError('JQ_PARSE', `unterminated string starting at position ${start}`);
}
