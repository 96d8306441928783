// The README's example must run as printed: its code block is executed against the sources, and what it logs must
// be exactly its `// →` lines, in order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const block = /```js\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';

describe('README example', () => {
  it('imports @mts/jq and states what it prints', () => {
    expect(block).toMatch(/^import \{[^}]+\} from '@mts\/jq';$/m);
    expect(block.match(/\/\/ → /g)?.length).toBeGreaterThanOrEqual(4);
  });

  it('prints what it says it prints', () => {
    const code = block.replace(/^import \{([^}]+)\} from '@mts\/jq';$/m, "const {$1} = require('@mts/jq');");
    const printed: string[] = [];
    const console = { log: (...args: unknown[]) => printed.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ')) };
    new Function('console', 'require', code)(console, require);
    const expected = [...block.matchAll(/^\/\/ → (.*)$/gm)].map((m) => m[1]);
    expect(printed).toEqual(expected);
  });
});
