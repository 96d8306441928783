/** The jq abstract syntax tree produced by `parse` and consumed by `compile`. */
export type Node =
  | { k: 'identity' }
  | { k: 'recurseDefault' }
  | { k: 'literal'; v: unknown }
  | { k: 'field'; target: Node; name: string }
  | { k: 'index'; target: Node; index: Node }
  | { k: 'slice'; target: Node; from: Node | null; to: Node | null }
  | { k: 'iterate'; target: Node }
  | { k: 'pipe'; left: Node; right: Node }
  | { k: 'comma'; left: Node; right: Node }
  | { k: 'neg'; body: Node }
  | { k: 'binop'; op: '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>='; left: Node; right: Node }
  | { k: 'and'; left: Node; right: Node }
  | { k: 'or'; left: Node; right: Node }
  | { k: 'alt'; left: Node; right: Node }
  | { k: 'assign'; op: '=' | '|=' | '+=' | '-=' | '*=' | '/=' | '%=' | '//='; left: Node; right: Node }
  | { k: 'if'; cond: Node; then: Node; else: Node | null }
  | { k: 'try'; body: Node; catch: Node | null }
  | { k: 'reduce'; source: Node; pattern: Pattern; init: Node; update: Node }
  | { k: 'foreach'; source: Node; pattern: Pattern; init: Node; update: Node; extract: Node | null }
  | { k: 'bind'; source: Node; patterns: Pattern[]; body: Node }
  | { k: 'var'; name: string }
  | { k: 'loc'; line: number }
  | { k: 'array'; body: Node | null }
  | { k: 'object'; entries: { key: Node; value: Node }[] }
  | { k: 'string'; parts: (string | Node)[]; format: string | null }
  | { k: 'format'; name: string }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'def'; name: string; params: string[]; body: Node; rest: Node }
  | { k: 'label'; name: string; body: Node }
  | { k: 'break'; name: string };

/** Destructuring patterns of `as`: `$x`, `[$a, $b]`, `{a: $x, $y}`. */
export type Pattern =
  | { k: 'pvar'; name: string }
  | { k: 'parray'; items: Pattern[] }
  | { k: 'pobject'; entries: { key: Node; bindVar: string | null; value: Pattern | null }[] };
