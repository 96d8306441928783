// `node apps/api/dist/hash-key.js <caller> [--file keys.json] [--stdin]`: an API key entry for MTS_API_KEYS_FILE
// (see runHashKey and the README's "Caller authentication").
import { readFileSync } from 'node:fs';
import { runHashKey } from './lib/auth/hash-key-command.js';

runHashKey(process.argv.slice(2), {
  readStdin: () => readFileSync(0, 'utf8'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`hash-key failed: ${err.message}\n`);
    process.exit(1);
  },
);
