#!/usr/bin/env node
// The mts-seed CLI; the code lives in the built package.
import { readFileSync } from 'node:fs';

let runSeedCli;
try {
  ({ runSeedCli } = await import('../dist/cli.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('mts-seed: @mts/cli is not built yet; run `npm run build` first\n');
  process.exit(1);
}
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// SIGINT/SIGTERM: the run stops, flushes its journal and exits 5; a second signal exits at once.
const stop = new AbortController();
const onSignal = () => {
  if (stop.signal.aborted) process.exit(5);
  stop.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.exitCode = await runSeedCli(process.argv.slice(2), {
  env: process.env, stdout: process.stdout, stderr: process.stderr, signal: stop.signal, version,
});
