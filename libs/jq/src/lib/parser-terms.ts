import type { Node } from './ast.js';
import { ParserBase } from './parser-base.js';

/**
 * The terms of the jq grammar: primaries (literals, `.`, `..`, `(…)`, `[…]`, `{…}`) and the postfix chain
 * after them (`.a`, `."a"`, `[i]`, `[a:b]`, `[]`, `?`, `as $x | …`). Operators and keywords live in `parser.ts`.
 */
export abstract class TermParser extends ParserBase {
  protected abstract parseUnary(): Node;
  protected abstract parseWord(word: string): Node;

  // `Term as $x | body` binds to the term just before `as`, and the body runs to the end of the pipe, as in jq:
  // `.a + .b as $x | f` is `.a + (.b as $x | f)`. `reduce`/`foreach` parse their source without it.
  protected parsePostfix(allowBind = true): Node {
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
}
