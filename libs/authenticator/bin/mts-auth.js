#!/usr/bin/env node
// The mts-auth CLI; the code lives in the built package.
let runCli;
try {
  ({ runCli } = await import('../dist/cli.js'));
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
  process.stderr.write('mts-auth: @mts/authenticator is not built yet; run `npm run build` first\n');
  process.exit(1);
}
process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
