#!/usr/bin/env node
// The mts-auth CLI; the code lives in the built package (run `npm run build` first).
import { runCli } from '../dist/cli.js';

process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
