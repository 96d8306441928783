import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createAuthenticator } from './lib/authenticator.js';
import type { AuthenticatorConfig } from './lib/config.js';
import { AUTHENTICATOR_ENV, authenticatorConfigFromEnv, checkAuthenticatorEnv } from './lib/env-config.js';
import { AuthenticatorError } from './lib/errors.js';
import type { AuthRequest, Demographics, Transport } from './lib/types.js';

const USAGE = `usage: mts-auth demoauth <record.json> [options]

Authenticates one record in MTS's sample shape ({"vid", "name", "gender", "dob", "phoneNumber", "emailId",
"fullAddress"}) against IDA and prints IDA's JSON answer. Settings come from MTS's TOKENSEEDER_* environment
names; flags override them. The p12 password is read from TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD only.

options:
  --ida-url <url>         TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL
  --partner-id <id>       TOKENSEEDER_MOSIP_AUTH__PARTNER_ID
  --api-key <key>         TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY
  --misp-lk <key>         TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK
  --encrypt-cert <path>   TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH (IDA partner certificate)
  --sign-p12 <path>       TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH
  --response-cert <path>  verify IDA's response-signature with this certificate
  --domain-uri <uri>      TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_DOMAIN_URI
  --id-type <UIN|VID>     send individualIdType (default: omitted, IDA detects it)
  --lang <code>           language for plain-string name/gender/fullAddress (default eng)
  --timeout-ms <n>, --retries <n>

exit status: 0 authStatus true, 2 IDA answered authStatus false, 1 error`;

/** Where the CLI reads and writes; injectable for tests. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** For tests: replaces the HTTP transport. */
  transport?: Transport;
}

/**
 * Runs `mts-auth` and resolves to the exit status. Never prints keys or passwords.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'ida-url': { type: 'string' }, 'partner-id': { type: 'string' }, 'api-key': { type: 'string' },
        'misp-lk': { type: 'string' }, 'encrypt-cert': { type: 'string' }, 'sign-p12': { type: 'string' },
        'response-cert': { type: 'string' }, 'domain-uri': { type: 'string' }, 'id-type': { type: 'string' },
        lang: { type: 'string' }, 'timeout-ms': { type: 'string' }, retries: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`mts-auth: ${(e as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals[0] !== 'demoauth' || positionals.length !== 2) {
    io.stderr.write(`${USAGE}\n`);
    return 1;
  }
  const idType = values['id-type'];
  if (idType !== undefined && idType !== 'UIN' && idType !== 'VID') {
    io.stderr.write('mts-auth: --id-type must be UIN or VID\n');
    return 1;
  }
  try {
    // Flags stand in for their environment variables, so a missing setting is named as the user sets it
    // (TOKENSEEDER_*, as the worker names it), not by the config key.
    const env: NodeJS.ProcessEnv = { ...io.env };
    const set = (key: keyof typeof AUTHENTICATOR_ENV, value: string | undefined) => {
      if (value !== undefined) env[AUTHENTICATOR_ENV[key]] = value;
    };
    set('idaAuthUrl', values['ida-url']);
    set('partnerId', values['partner-id']);
    set('apiKey', values['api-key']);
    set('mispLicenseKey', values['misp-lk']);
    set('encryptCertPath', values['encrypt-cert']);
    set('signP12Path', values['sign-p12']);
    set('responseCertPath', values['response-cert']);
    set('domainUri', values['domain-uri']);
    set('timeoutMs', toInt(values['timeout-ms'], '--timeout-ms'));
    set('maxRetries', toInt(values.retries, '--retries'));
    const problems = checkAuthenticatorEnv(env);
    if (problems.length > 0) throw new AuthenticatorError('AUT_CFG_001', problems.join('; '));
    const config: AuthenticatorConfig = { ...authenticatorConfigFromEnv(env), transport: io.transport };
    const request = await readRecord(positionals[1], values.lang ?? 'eng', idType);
    const auth = createAuthenticator(config);
    try {
      const result = await auth.authenticate(request);
      io.stdout.write(`${JSON.stringify(result.idaResponse, null, 2)}\n`);
      return result.authStatus ? 0 : 2;
    } finally {
      await auth.close();
    }
  } catch (e) {
    if (e instanceof AuthenticatorError) io.stderr.write(`mts-auth: ${e.code}: ${e.message}\n`);
    else io.stderr.write(`mts-auth: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Reads one MTS sample record; plain strings in list fields become `[{ language, value }]`. */
async function readRecord(path: string, lang: string, idType: 'UIN' | 'VID' | undefined): Promise<AuthRequest> {
  let record: unknown;
  try {
    record = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read record file (${(e as NodeJS.ErrnoException).code ?? 'not JSON'})`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('record must be a JSON object');
  const { vid, ...rest } = record as Record<string, unknown>;
  if (typeof vid !== 'string' || vid === '') throw new Error('record has no "vid" string');
  const demographics: Demographics = {};
  for (const [key, value] of Object.entries(rest)) {
    const listField = key === 'name' || key === 'gender' || key === 'fullAddress';
    demographics[key] = listField && typeof value === 'string' ? [{ language: lang, value }] : value;
  }
  return { individualId: vid, individualIdType: idType, demographics };
}

function toInt(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${flag} must be a whole number`);
  return value;
}
