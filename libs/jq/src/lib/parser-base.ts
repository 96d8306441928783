import type { Node, Pattern } from './ast.js';
import { JqError } from './errors.js';
import type { Token } from './lexer.js';

export const KEYWORDS = new Set(['def', 'if', 'then', 'elif', 'else', 'end', 'as', 'reduce', 'foreach', 'try', 'catch', 'label', 'import', 'include', 'and', 'or', '__loc__']);

/**
 * The token cursor of the jq parser and the leaves of its grammar: strings, variables, object keys and
 * destructuring patterns. The grammar above them (`parser-terms.ts`, `parser.ts`) extends this class.
 */
export abstract class ParserBase {
  protected i = 0;
  constructor(protected readonly toks: Token[], protected readonly src: string) {}

  protected abstract parsePipe(): Node;
  /** Parses the token list of a `\(…)` interpolation as a whole program. */
  protected abstract parseNested(toks: Token[]): Node;

  /** A whole program: one pipe, then the end of input. */
  parseAll(): Node {
    const node = this.parsePipe();
    this.expectEnd();
    return node;
  }

  protected get tok(): Token { return this.toks[this.i]; }
  protected isOp(v: string): boolean { const t = this.tok; return t.t === 'OP' && t.v === v; }
  protected isWord(v: string): boolean { const t = this.tok; return t.t === 'IDENT' && t.v === v; }

  protected fail(what?: string): never {
    const t = this.tok;
    const found = t.t === 'EOF' ? 'end of input' : t.t === 'OP' || t.t === 'IDENT' ? `'${t.v}'` : t.t.toLowerCase();
    throw new JqError('JQ_PARSE', `syntax error: unexpected ${found} at position ${t.pos}${what ? `, expected ${what}` : ''}`);
  }
  protected expectOp(v: string): void { if (!this.isOp(v)) this.fail(`'${v}'`); this.i++; }
  protected expectWord(v: string): void { if (!this.isWord(v)) this.fail(`'${v}'`); this.i++; }
  protected expectEnd(): void { if (this.tok.t !== 'EOF') this.fail(); }

  protected variable(name: string): Node {
    if (name === 'ENV' || name === '__prog_args') throw new JqError('JQ_FORBIDDEN', `$${name} is not available`);
    if (name === '__loc__') return { k: 'loc', line: lineOf(this.src, this.toks[this.i - 1].pos) };
    return { k: 'var', name };
  }

  protected expectVar(): string {
    const t = this.tok;
    if (t.t !== 'VAR') this.fail('a $variable');
    this.i++;
    return t.v;
  }

  protected parseString(format: string | null): Node {
    const t = this.tok;
    if (t.t !== 'STR') this.fail('a string');
    this.i++;
    const parts = t.parts.map((p) => (typeof p === 'string' ? p : this.parseNested(p)));
    if (parts.length === 1 && typeof parts[0] === 'string' && format === null) return { k: 'literal', v: parts[0] };
    return { k: 'string', parts, format };
  }

  protected parsePattern(): Pattern {
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

  protected parseObjectKey(): Node {
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
}

function lineOf(src: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos; i++) if (src[i] === '\n') line++;
  return line;
}
