// Build step after tsc: the web page's static files (src/ui) go to dist/ui, where the built API serves them.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/ui', import.meta.url));
const to = fileURLToPath(new URL('../dist/ui', import.meta.url));
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
