import type { Node } from './ast.js';
import { JqError } from './errors.js';
import { lex, type Token } from './lexer.js';
import { KEYWORDS } from './parser-base.js';
import { TermParser } from './parser-terms.js';

const BINARY_LEVELS: { ops: string[]; assoc: 'left' | 'right' | 'none' }[] = [
  { ops: ['//'], assoc: 'right' },
  { ops: ['=', '|=', '+=', '-=', '*=', '/=', '%=', '//='], assoc: 'none' },
  { ops: ['or'], assoc: 'left' },
  { ops: ['and'], assoc: 'left' },
  { ops: ['==', '!=', '<', '<=', '>', '>='], assoc: 'none' },
  { ops: ['+', '-'], assoc: 'left' },
  { ops: ['*', '/', '%'], assoc: 'left' },
];

/** Parses a jq program into an AST. Throws `JqError` (`JQ_PARSE`, or `JQ_FORBIDDEN` for modules and `$ENV`). */
export function parse(src: string): Node {
  return new Parser(lex(src), src).parseAll();
}

// The expression grammar: pipes, `def`, `,`, binary operators by precedence, and the keyword forms.
// Terms are in `parser-terms.ts`; the token cursor, strings and patterns in `parser-base.ts`.
class Parser extends TermParser {
  protected override parseNested(toks: Token[]): Node {
    return new Parser(toks, this.src).parseAll();
  }

  protected override parsePipe(): Node {
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

  protected override parseUnary(): Node {
    if (this.isOp('-')) { this.i++; return { k: 'neg', body: this.parseUnary() }; }
    return this.parsePostfix();
  }

  protected override parseWord(word: string): Node {
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
