#!/usr/bin/env node
// DEMO ONLY (compose.yaml): runs a command with the IDA partner settings of an IDA sandbox whose data dir is mounted
// here, as MTS's TOKENSEEDER_* variables (the ones @mts/authenticator reads). The sandbox generates its partner on
// first start (API key and MISP licence key in partners.json, the .p12 and its password, IDA's certificates), so the
// workers cannot be given them in advance; a real deployment sets them from its secret store instead.
//
//   node deploy/demo/with-sandbox-partner.mjs <sandbox data dir> <IDA auth url> -- node apps/worker/dist/main.js
//
// Waits up to 120 s for the files, never prints a secret, forwards SIGTERM/SIGINT and exits with the command's code.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, idaAuthUrl, separator, ...command] = process.argv.slice(2);
if (!dir || !idaAuthUrl || separator !== '--' || command.length === 0) {
  process.stderr.write('usage: with-sandbox-partner.mjs <sandbox data dir> <IDA auth url> -- <command …>\n');
  process.exit(2);
}

// The sandbox's file names (@mts/ida-sandbox SANDBOX_FILES); partners.json is written after the .p12.
const files = {
  registry: join(dir, 'partners.json'),
  p12: join(dir, 'partner.p12'),
  p12Password: join(dir, 'partner.p12.password'),
  idaPartnerCert: join(dir, 'ida-partner.cer'),
  idaSignCert: join(dir, 'ida-sign.cer'),
};

const deadline = Date.now() + 120_000;
while (!Object.values(files).every((f) => existsSync(f))) {
  if (Date.now() > deadline) {
    process.stderr.write(`with-sandbox-partner: the sandbox's partner files did not appear in ${dir} within 120 s\n`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}

const registry = JSON.parse(readFileSync(files.registry, 'utf8'));
const partner = registry.partners.find((p) => p.status === 'ACTIVE');
const apiKey = partner?.apiKeys.find((k) => k.status === 'ACTIVE')?.apiKey;
const licenseKey = registry.mispLicenseKeys.find((k) => k.status === 'ACTIVE')?.licenseKey;
if (!partner || !apiKey || !licenseKey) {
  process.stderr.write('with-sandbox-partner: partners.json has no active partner, API key or licence key\n');
  process.exit(1);
}

const child = spawn(command[0], command.slice(1), {
  stdio: 'inherit',
  env: {
    ...process.env,
    TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: idaAuthUrl,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_ID: partner.partnerId,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: apiKey,
    TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK: licenseKey,
    TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH: files.idaPartnerCert,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH: files.p12,
    TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: readFileSync(files.p12Password, 'utf8').trim(),
    TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH: files.idaSignCert,
  },
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 1));
