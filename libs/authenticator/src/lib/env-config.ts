import { findConfigProblems, type AuthenticatorConfig } from './config.js';
import { AuthenticatorError } from './errors.js';

/**
 * Environment names read by {@link authenticatorConfigFromEnv}: MTS's own (Dynaconf `TOKENSEEDER_` prefix), then
 * ours for what MTS does not have.
 */
export const AUTHENTICATOR_ENV = {
  partnerId: 'TOKENSEEDER_MOSIP_AUTH__PARTNER_ID',
  apiKey: 'TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY',
  mispLicenseKey: 'TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK',
  idaAuthUrl: 'TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL',
  domainUri: 'TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_DOMAIN_URI',
  encryptCertPath: 'TOKENSEEDER_CRYPTO_ENCRYPT__ENCRYPT_CERT_PATH',
  signP12Path: 'TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PATH',
  signP12Password: 'TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD',
  env: 'TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV',
  responseCertPath: 'TOKENSEEDER_CRYPTO_SIGNATURE__RESPONSE_CERT_PATH',
  timeoutMs: 'TOKENSEEDER_MOSIP_AUTH_SERVER__TIMEOUT_MS',
  maxRetries: 'TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_RETRIES',
  retryBaseDelayMs: 'TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_BASE_DELAY_MS',
  retryMaxDelayMs: 'TOKENSEEDER_MOSIP_AUTH_SERVER__RETRY_MAX_DELAY_MS',
  maxSockets: 'TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS',
  sendRequestedAuth: 'TOKENSEEDER_MOSIP_AUTH__SEND_REQUESTED_AUTH',
} as const satisfies Partial<Record<keyof AuthenticatorConfig, string>>;

// Our name for `env` before it became MTS's (TOKENSEEDER_MOSIP_AUTH__IDA_AUTH_ENV, read first): still read, so a
// deployment that set it keeps its env.
const OUR_OLD_ENV_NAME = 'TOKENSEEDER_MOSIP_AUTH__ENV';

const STRINGS = [
  'partnerId', 'apiKey', 'mispLicenseKey', 'idaAuthUrl', 'domainUri', 'encryptCertPath', 'signP12Path',
  'signP12Password', 'env', 'responseCertPath',
] as const;
const INTEGERS = ['timeoutMs', 'maxRetries', 'retryBaseDelayMs', 'retryMaxDelayMs', 'maxSockets'] as const;

/**
 * Reads an authenticator config from MTS's environment names (see {@link AUTHENTICATOR_ENV}), so an MTS
 * deployment switches over unchanged. Empty values count as unset. Completeness is checked by `createAuthenticator`.
 *
 * @example
 * const auth = createAuthenticator(authenticatorConfigFromEnv(process.env));
 * @throws AuthenticatorError `AUT_CFG_001` for a number or boolean that does not parse, naming the variable
 */
export function authenticatorConfigFromEnv(env: NodeJS.ProcessEnv): AuthenticatorConfig {
  const { config, problems } = readEnv(env);
  if (problems.length > 0) throw new AuthenticatorError('AUT_CFG_001', problems.join('; '));
  return config;
}

/**
 * Every problem of the authenticator settings in an environment, one line each naming the ENVIRONMENT VARIABLE (not
 * the config key) and never its value; empty when `createAuthenticator(authenticatorConfigFromEnv(env))` would accept
 * the settings (files are read only then). For a service's start-up check.
 *
 * @example
 * checkAuthenticatorEnv({}) // ['TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL is required', …]
 */
export function checkAuthenticatorEnv(env: NodeJS.ProcessEnv): string[] {
  const { config, problems } = readEnv(env);
  const names: Record<string, string> = AUTHENTICATOR_ENV;
  // Only the env-readable alternative of a setting can be set here (a path, not bytes or a key object).
  return [...problems, ...findConfigProblems(config).map((p) => `${names[p.setting] ?? p.setting} ${p.text}`)];
}

function readEnv(env: NodeJS.ProcessEnv): { config: AuthenticatorConfig; problems: string[] } {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  const read = (key: keyof typeof AUTHENTICATOR_ENV): string | undefined => {
    const value = env[AUTHENTICATOR_ENV[key]] || (key === 'env' ? env[OUR_OLD_ENV_NAME] : undefined);
    return value === undefined || value === '' ? undefined : value;
  };
  for (const key of STRINGS) {
    const value = read(key);
    if (value !== undefined) config[key] = value;
  }
  // An empty password is a real value (p12 stores may have one); only "unset" is missing.
  const password = env[AUTHENTICATOR_ENV.signP12Password];
  if (password !== undefined) config.signP12Password = password;
  for (const key of INTEGERS) {
    const value = read(key);
    if (value === undefined) continue;
    if (/^\d+$/.test(value.trim())) config[key] = Number(value.trim());
    else problems.push(`${AUTHENTICATOR_ENV[key]} must be a whole number`);
  }
  const flag = read('sendRequestedAuth');
  if (flag !== undefined) {
    if (/^(true|1|yes)$/i.test(flag)) config.sendRequestedAuth = true;
    else if (/^(false|0|no)$/i.test(flag)) config.sendRequestedAuth = false;
    else problems.push(`${AUTHENTICATOR_ENV.sendRequestedAuth} must be true or false`);
  }
  return { config: config as unknown as AuthenticatorConfig, problems };
}
