#!/usr/bin/env node
// Runs the IDA sandbox: `node apps/ida-sandbox/dist/main.js [--port 8090] [--data-dir data/ida-sandbox] …`
// (flags or IDA_SANDBOX_* variables; see docs/ida-sandbox.md). Prints where its files are, never their secrets.
import { readConfig } from './config.js';
import { startSandbox } from './lib/server.js';

const log = (event: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), service: 'ida-sandbox', event, ...fields }) + '\n');

const config = readConfig(process.argv.slice(2), process.env);
if ('problems' in config) {
  for (const p of config.problems) process.stderr.write(`ida-sandbox: ${p}\n`);
  process.exit(2);
}
try {
  const sandbox = await startSandbox(config.options);
  log('started', {
    url: sandbox.url,
    dataDir: sandbox.dataDir,
    partnerId: sandbox.partner.partnerId,
    files: {
      partnerP12: sandbox.partner.p12Path,
      partnerP12Password: `${sandbox.dataDir}/partner.p12.password`,
      idaPartnerCert: sandbox.partner.idaPartnerCertPath,
      idaSignCert: sandbox.partner.idaSignCertPath,
      partnerRegistry: `${sandbox.dataDir}/partners.json (API key and MISP licence key)`,
      identities: sandbox.identitiesPath,
    },
    identities: sandbox.identities.length,
    switches: {
      latencyMs: config.options.latencyMs ?? 0,
      failureRate: config.options.failureRate ?? 0,
      maxRps: config.options.maxRps ?? 0,
      maxConcurrent: config.options.maxConcurrent ?? 0,
    },
  });
  const stop = (signal: string) => {
    log('stopping', { signal });
    sandbox.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (e) {
  const err = e as { code?: string; message?: string };
  process.stderr.write(`ida-sandbox: ${err.code ?? 'error'}: ${err.message ?? String(e)}\n`);
  process.exit(1);
}
