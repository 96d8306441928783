import type { Node, Pattern } from './ast.js';
import { JqError } from './errors.js';
import { lex, type Token } from './lexer.js';

const BINARY_LEVELS: { ops: string[]; assoc: 'left' | 'right' | 'none' }[] = [
  { ops: ['//'], assoc: 'right' },
  { ops: ['=', '|=', '+=', '-=', '*=', '/=', '%=', '//='], assoc: 'none' },
  { ops: ['or'], assoc: 'left' },
  { ops: ['and'], assoc: 'left' },
  { ops: ['==', '!=', '<', '<=', '>', '>='], assoc: 'none' },
  { ops: ['+', '-'], assoc: 'left' },
  { ops: ['*', '/', '%'], assoc: 'left' },
];

const KEYWORDS = new Set(['def', 'if', 'then', 'elif', 'else', 'end', 'as', 'reduce', 'foreach', 'try', 'catch', 'label', 'import', 'include', 'and', 'or', '__loc__']);

/** Parses a jq program into an AST. Throws `JqError` (`JQ_PARSE`, or `JQ_FORBIDDEN` for modules and `$ENV`). */
export function parse(src: string): Node {
  const p = new Parser(lex(src), src);
  const node = p.parsePipe();
  p.expectEnd();
  return node;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[], private readonly src: string) {}

  private get tok(): Token { return this.toks[this.i]; }
  private isOp(v: string): boolean { const t = this.tok; return t.t === 'OP' && t.v === v; }
  private isWord(v: string): boolean { const t = this.tok; return t.t === 'IDENT' && t.v === v; }

  private fail(what?: string): never {
    const t = this.tok;
    const found = t.t === 'EOF' ? 'end of input' : t.t === 'OP' || t.t === 'IDENT' ? `'${t.v}'` : t.t.toLowerCase();
    throw new JqError('JQ_PARSE', `syntax error: unexpected ${found} at position ${t.pos}${what ? `, expected ${what}` : ''}`);
  }
  private expectOp(v: string): void { if (!this.isOp(v)) this.fail(`'${v}'`); this.i++; }
  private expectWord(v: string): void { if (!this.isWord(v)) this.fail(`'${v}'`); this.i++; }
  expectEnd(): void { if (this.tok.t !== 'EOF') this.fail(); }

  parsePipe(): Node {
    if (this.isWord('def')) {
      const def = this.parseDef();
      return { ...def, rest: this.parsePipe() };
    }
    if (this.isWord('import') || this.isWord('include')) throw new JqError('JQ_FORBIDDEN', 'modules (import/include) are not available');
    if (this.isWord('label')) {
      this.i++;
      const name = this.expectVar();
      this.expectOp('|');
      return { k: 'label', name, body: this.parsePipe() };
    }
    const left = this.parseComma();
    if (this.isOp('|')) { this.i++; return { k: 'pipe', left, right: this.parsePipe() }; }
    return left;
  }

  private parseDef(): Extract<Node, { k: 'def' }> {
    this.expectWord('def');
    const t = this.tok;
    if (t.t !== 'IDENT' || KEYWORDS.has(t.v)) this.fail('a function name');
    this.i++;
    const params: string[] = [];
    if (this.isOp('(')) {
      this.i++;
      for (;;) {
        const p = this.tok;
        if (p.t === 'VAR') params.push('$' + p.v);
        else if (p.t === 'IDENT' && !KEYWORDS.has(p.v)) params.push(p.v);
        else this.fail('a parameter');
        this.i++;
        if (this.isOp(';')) { this.i++; continue; }
        this.expectOp(')');
        break;
      }
    }
    this.expectOp(':');
    const body = this.parsePipe();
    this.expectOp(';');
    return { k: 'def', name: t.v, params, body, rest: { k: 'identity' } };
  }

  private parseComma(): Node {
    let left = this.parseBinary(0);
    while (this.isOp(',')) { this.i++; left = { k: 'comma', left, right: this.parseBinary(0) }; }
    return left;
  }

  private currentBinary(level: number): string | null {
    const t = this.tok;
    const v = t.t === 'OP' ? t.v : t.t === 'IDENT' && (t.v === 'and' || t.v === 'or') ? t.v : null;
    return v !== null && BINARY_LEVELS[level].ops.includes(v) ? v : null;
  }

  private parseBinary(level: number): Node {
    if (level === BINARY_LEVELS.length) return this.parseUnary();
    const { assoc } = BINARY_LEVELS[level];
    let left = this.parseBinary(level + 1);
    for (let op = this.currentBinary(level); op !== null; op = this.currentBinary(level)) {
      this.i++;
      const right = assoc === 'right' ? this.parseBinary(level) : this.parseBinary(level + 1);
      left = makeBinary(op, left, right);
      if (assoc === 'none' && this.currentBinary(level) !== null) this.fail();
      if (assoc === 'right') break;
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.isOp('-')) { this.i++; return { k: 'neg', body: this.parseUnary() }; }
    return this.parsePostfix();
  }

  // `Term as $x | body` binds to the term just before `as`, and the body runs to the end of the pipe, as in jq:
  // `.a + .b as $x | f` is `.a + (.b as $x | f)`. `reduce`/`foreach` parse their source without it.
  parsePostfix(allowBind = true): Node {
    const node = this.parsePostfixChain();
    if (!allowBind || !this.isWord('as')) return node;
    this.i++;
    const patterns = [this.parsePattern()];
    this.expectOp('|');
    return { k: 'bind', source: node, patterns, body: this.parsePipe() };
  }

  private parsePostfixChain(): Node {
    let node = this.parsePrimary();
    for (;;) {
      const t = this.tok;
      if (t.t === 'FIELD') { this.i++; node = { k: 'field', target: node, name: t.v }; continue; }
      if (t.t !== 'OP') return node;
      if (t.v === '?') { this.i++; node = { k: 'try', body: node, catch: null }; continue; }
      if (t.v === '.' && this.toks[this.i + 1].t === 'STR') { this.i++; node = this.stringIndex(node); continue; }
      if (t.v === '.' && this.toks[this.i + 1].t === 'OP' && (this.toks[this.i + 1] as { v: string }).v === '[') { this.i++; continue; }
      if (t.v === '[') { node = this.parseBracket(node); continue; }
      return node;
    }
  }

  private stringIndex(target: Node): Node {
    const s = this.parseString(null);
    if (s.k === 'literal') return { k: 'field', target, name: s.v as string };
    return { k: 'index', target, index: s };
  }

  private parseBracket(target: Node): Node {
    this.expectOp('[');
    if (this.isOp(']')) { this.i++; return { k: 'iterate', target }; }
    if (this.isOp(':')) {
      this.i++;
      const to = this.parsePipe();
      this.expectOp(']');
      return { k: 'slice', target, from: null, to };
    }
    const index = this.parsePipe();
    if (this.isOp(':')) {
      this.i++;
      const to = this.isOp(']') ? null : this.parsePipe();
      this.expectOp(']');
      return { k: 'slice', target, from: index, to };
    }
    this.expectOp(']');
    return { k: 'index', target, index };
  }

  private parsePrimary(): Node {
    const t = this.tok;
    switch (t.t) {
      case 'NUM': this.i++; return { k: 'literal', v: t.v };
      case 'STR': return this.parseString(null);
      case 'FORMAT':
        this.i++;
        if (this.tok.t === 'STR') return this.parseString(t.v);
        return { k: 'format', name: t.v };
      case 'FIELD': this.i++; return { k: 'field', target: { k: 'identity' }, name: t.v };
      case 'VAR': this.i++; return this.variable(t.v);
      case 'IDENT': return this.parseWord(t.v);
      case 'EOF': return this.fail('an expression');
      case 'OP': break;
    }
    switch (t.v) {
      case '.':
        this.i++;
        if (this.tok.t === 'STR') return this.stringIndex({ k: 'identity' });
        return { k: 'identity' };
      case '..': this.i++; return { k: 'recurseDefault' };
      case '(': {
        this.i++;
        const body = this.parsePipe();
        this.expectOp(')');
        return body;
      }
      case '[': {
        this.i++;
        if (this.isOp(']')) { this.i++; return { k: 'array', body: null }; }
        const body = this.parsePipe();
        this.expectOp(']');
        return { k: 'array', body };
      }
      case '{': return this.parseObject();
      default: return this.fail('an expression');
    }
  }

  private variable(name: string): Node {
    if (name === 'ENV' || name === '__prog_args') throw new JqError('JQ_FORBIDDEN', `$${name} is not available`);
    if (name === '__loc__') return { k: 'loc', line: lineOf(this.src, this.toks[this.i - 1].pos) };
    return { k: 'var', name };
  }

  private expectVar(): string {
    const t = this.tok;
    if (t.t !== 'VAR') this.fail('a $variable');
    this.i++;
    return t.v;
  }

  private parseWord(word: string): Node {
    switch (word) {
      case 'true': case 'false': case 'null':
        this.i++;
        return { k: 'literal', v: word === 'null' ? null : word === 'true' };
      case 'if': return this.parseIf();
      case 'try': {
        this.i++;
        const body = this.parsePostfix();
        if (!this.isWord('catch')) return { k: 'try', body, catch: null };
        this.i++;
        return { k: 'try', body, catch: this.parsePostfix() };
      }
      case 'reduce': case 'foreach': return this.parseFold(word);
      case 'def': {
        const def = this.parseDef();
        return { ...def, rest: this.parsePipe() };
      }
      case 'break': {
        this.i++;
        return { k: 'break', name: this.expectVar() };
      }
      case 'import': case 'include': throw new JqError('JQ_FORBIDDEN', 'modules (import/include) are not available');
    }
    if (KEYWORDS.has(word)) this.fail();
    this.i++;
    const args: Node[] = [];
    if (this.isOp('(')) {
      this.i++;
      for (;;) {
        args.push(this.parsePipe());
        if (this.isOp(';')) { this.i++; continue; }
        this.expectOp(')');
        break;
      }
    }
    return { k: 'call', name: word, args };
  }

  private parseIf(): Node {
    this.i++;
    const cond = this.parsePipe();
    this.expectWord('then');
    const then = this.parsePipe();
    if (this.isWord('elif')) return { k: 'if', cond, then, else: this.parseIf() };
    if (this.isWord('else')) {
      this.i++;
      const otherwise = this.parsePipe();
      this.expectWord('end');
      return { k: 'if', cond, then, else: otherwise };
    }
    this.expectWord('end');
    return { k: 'if', cond, then, else: null };
  }

  private parseFold(word: 'reduce' | 'foreach'): Node {
    this.i++;
    const source = this.parsePostfix(false);
    this.expectWord('as');
    const pattern = this.parsePattern();
    this.expectOp('(');
    const init = this.parsePipe();
    this.expectOp(';');
    const update = this.parsePipe();
    if (word === 'reduce') {
      this.expectOp(')');
      return { k: 'reduce', source, pattern, init, update };
    }
    let extract: Node | null = null;
    if (this.isOp(';')) { this.i++; extract = this.parsePipe(); }
    this.expectOp(')');
    return { k: 'foreach', source, pattern, init, update, extract };
  }

  private parsePattern(): Pattern {
    const t = this.tok;
    if (t.t === 'VAR') { this.i++; return { k: 'pvar', name: t.v }; }
    if (this.isOp('[')) {
      this.i++;
      const items: Pattern[] = [this.parsePattern()];
      while (this.isOp(',')) { this.i++; items.push(this.parsePattern()); }
      this.expectOp(']');
      return { k: 'parray', items };
    }
    if (!this.isOp('{')) this.fail('a pattern');
    this.i++;
    const entries: Extract<Pattern, { k: 'pobject' }>['entries'] = [];
    for (;;) {
      const e = this.tok;
      if (e.t === 'VAR') {
        this.i++;
        const value = this.isOp(':') ? (this.i++, this.parsePattern()) : null;
        entries.push({ key: { k: 'literal', v: e.v }, bindVar: e.v, value });
      } else {
        const key = this.parseObjectKey();
        this.expectOp(':');
        entries.push({ key, bindVar: null, value: this.parsePattern() });
      }
      if (this.isOp(',')) { this.i++; continue; }
      this.expectOp('}');
      return { k: 'pobject', entries };
    }
  }

  private parseObjectKey(): Node {
    const t = this.tok;
    if (t.t === 'IDENT') { this.i++; return { k: 'literal', v: t.v }; }
    if (t.t === 'STR') return this.parseString(null);
    if (t.t === 'FORMAT' && this.toks[this.i + 1].t === 'STR') { this.i++; return this.parseString(t.v); }
    if (this.isOp('(')) {
      this.i++;
      const key = this.parsePipe();
      this.expectOp(')');
      return key;
    }
    return this.fail('an object key');
  }

  private parseObject(): Node {
    this.expectOp('{');
    const entries: { key: Node; value: Node }[] = [];
    while (!this.isOp('}')) {
      const t = this.tok;
      if (t.t === 'VAR') {
        this.i++;
        if (t.v === '__loc__') entries.push({ key: { k: 'literal', v: '__loc__' }, value: this.variable(t.v) });
        else entries.push({ key: { k: 'literal', v: t.v }, value: this.variable(t.v) });
      } else {
        const key = this.parseObjectKey();
        if (this.isOp(':')) {
          this.i++;
          entries.push({ key, value: this.parseObjectValue() });
        } else if (t.t === 'IDENT' || t.t === 'STR') {
          // `{a}` and `{"a b"}` are shorthand for `{a: .a}`; a computed `(k)` key needs a value.
          entries.push({ key, value: { k: 'index', target: { k: 'identity' }, index: key } });
        } else {
          this.fail("':'");
        }
      }
      if (!this.isOp(',')) break;
      this.i++;
    }
    this.expectOp('}');
    return { k: 'object', entries };
  }

  // jq's ObjVal: a postfix term, optionally negated, optionally piped; `,` and binary operators need parentheses.
  private parseObjectValue(): Node {
    const left = this.parseUnary();
    if (this.isOp('|')) { this.i++; return { k: 'pipe', left, right: this.parseObjectValue() }; }
    return left;
  }

  private parseString(format: string | null): Node {
    const t = this.tok;
    if (t.t !== 'STR') this.fail('a string');
    this.i++;
    const parts = t.parts.map((p) => {
      if (typeof p === 'string') return p;
      const sub = new Parser(p, this.src);
      const node = sub.parsePipe();
      sub.expectEnd();
      return node;
    });
    if (parts.length === 1 && typeof parts[0] === 'string' && format === null) return { k: 'literal', v: parts[0] };
    return { k: 'string', parts, format };
  }
}

function makeBinary(op: string, left: Node, right: Node): Node {
  switch (op) {
    case '//': return { k: 'alt', left, right };
    case 'and': return { k: 'and', left, right };
    case 'or': return { k: 'or', left, right };
    case '=': case '|=': case '+=': case '-=': case '*=': case '/=': case '%=': case '//=':
      return { k: 'assign', op, left, right };
    default: return { k: 'binop', op: op as Extract<Node, { k: 'binop' }>['op'], left, right };
  }
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (src[i] === '\n') line++;
  return line;
}
