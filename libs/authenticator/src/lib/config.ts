import { Ajv, type ErrorObject } from 'ajv';
import type { KeyObject, X509Certificate } from 'node:crypto';
import { AuthenticatorError } from './errors.js';
import type { AttemptReport, Transport } from './types.js';

/**
 * Settings of an authenticator. Key material comes as a path or as bytes/PEM; everything is read and parsed
 * once, in `createAuthenticator`.
 */
export interface AuthenticatorConfig {
  /** Base auth URL, e.g. `https://api-internal.example/idauthentication/v1/auth`. */
  idaAuthUrl: string;
  partnerId: string;
  apiKey: string;
  mispLicenseKey: string;
  /** Sent as `domainUri` when set. */
  domainUri?: string;
  /** Sent as `env` when set (IDA accepts Staging, Developer, Pre-Production, Production, in any case). */
  env?: string;
  /** IDA PARTNER certificate (`ida-partner.cer`), used to wrap session keys and for the thumbprint. */
  encryptCertPath?: string;
  encryptCert?: string | Uint8Array;
  /** The partner's signing PKCS#12 and its password. */
  signP12Path?: string;
  signP12?: Uint8Array;
  signP12Password?: string;
  /** Or the signing key and certificate already loaded (e.g. with `loadPkcs12` from `@mts/crypto`). */
  signKey?: { privateKey: KeyObject; certificate: X509Certificate };
  /** IDA's signing certificate: when set, every response's `response-signature` must verify against it. */
  responseCertPath?: string;
  responseCert?: string | Uint8Array;
  /** Per-attempt timeout. Default 10000. */
  timeoutMs?: number;
  /** Retries after the first attempt for transient failures. Default 3. */
  maxRetries?: number;
  /** Backoff base and cap. Defaults 200 and 5000. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Keep-alive connection pool size per protocol. Default 64. */
  maxSockets?: number;
  /** Also send the legacy `requestedAuth` object (needed by IDA 1.1.5, ignored by 1.2+). Default false. */
  sendRequestedAuth?: boolean;
  /** Replaces the built-in keep-alive HTTP transport (tests, custom TLS). */
  transport?: Transport;
  /** Randomness for session keys, nonces and transaction ids (tests only). Default `crypto.randomBytes`. */
  random?: (size: number) => Buffer;
  /** Clock for requestTime/timestamp (tests only). */
  now?: () => Date;
  /** Waits between retries (tests only). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Called after every HTTP attempt, retried ones included, with its status and latency (e.g. to adapt how many
   * calls a caller keeps in flight: 429 and 503 say IDA is overloaded). Called synchronously; what it throws is
   * ignored, so it cannot fail an authentication.
   *
   * @example
   * onAttempt: ({ status, latencyMs }) => limiter.observe({ latencyMs, overload: status === 429 || status === 503, saturated })
   */
  onAttempt?: (report: AttemptReport) => void;
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
/** IDA's default `mosip.ida.allowed.environments`, compared ignoring case (AuthRequestValidator#validateEnv). */
const IDA_ENVS = ['Staging', 'Developer', 'Pre-Production', 'Production'];
const SCHEMA = {
  type: 'object',
  required: ['idaAuthUrl', 'partnerId', 'apiKey', 'mispLicenseKey'],
  properties: {
    idaAuthUrl: { type: 'string', pattern: '^https?://[^/?#]+' },
    partnerId: nonEmpty,
    apiKey: nonEmpty,
    mispLicenseKey: nonEmpty,
    domainUri: nonEmpty,
    env: { type: 'string' },
    encryptCertPath: nonEmpty,
    signP12Path: nonEmpty,
    signP12Password: { type: 'string' },
    responseCertPath: nonEmpty,
    timeoutMs: { type: 'integer', minimum: 1, maximum: 600000 },
    maxRetries: { type: 'integer', minimum: 0, maximum: 20 },
    retryBaseDelayMs: { type: 'integer', minimum: 0, maximum: 600000 },
    retryMaxDelayMs: { type: 'integer', minimum: 0, maximum: 600000 },
    maxSockets: { type: 'integer', minimum: 1, maximum: 4096 },
    sendRequestedAuth: { type: 'boolean' },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);

/** The config with defaults applied. */
export type ResolvedConfig = AuthenticatorConfig &
  Required<Pick<AuthenticatorConfig, 'timeoutMs' | 'maxRetries' | 'retryBaseDelayMs' | 'retryMaxDelayMs' | 'maxSockets'>>;

/**
 * Checks a config and applies defaults; every problem is reported at once, each naming its setting.
 *
 * @example
 * validateAuthenticatorConfig({ idaAuthUrl: 'ftp://x', … }) // throws AUT_CFG_001 "idaAuthUrl must match …"
 * @throws AuthenticatorError `AUT_CFG_001`
 */
export function validateAuthenticatorConfig(config: AuthenticatorConfig): ResolvedConfig {
  const problems = findConfigProblems(config);
  if (problems.length > 0) throw new AuthenticatorError('AUT_CFG_001', problems.map((p) => `${p.label ?? p.setting} ${p.text}`).join('; '));
  return {
    timeoutMs: 10_000,
    maxRetries: 3,
    retryBaseDelayMs: 200,
    retryMaxDelayMs: 5_000,
    maxSockets: 64,
    ...stripUndefined(config),
  };
}

/** One problem of a config: the setting it is about (`label` when several settings could fix it) and what is wrong. */
export interface ConfigProblem {
  setting: string;
  label?: string;
  text: string;
}

/** Every problem of a config, for {@link validateAuthenticatorConfig} and for callers that name settings otherwise. */
export function findConfigProblems(config: AuthenticatorConfig): ConfigProblem[] {
  if (typeof config !== 'object' || config === null) return [{ setting: 'config', text: 'must be an object' }];
  const problems: ConfigProblem[] = [];
  if (!validate(config)) problems.push(...(validate.errors ?? []).map(describe));
  // The pattern lets through what is no URL (a space in the host) or has a query, after which the path parts
  // (licence key, partner, API key) would land in the query.
  if (typeof config.idaAuthUrl === 'string' && /^https?:\/\/[^/?#]+/.test(config.idaAuthUrl) && !isPlainHttpUrl(config.idaAuthUrl)) {
    problems.push({ setting: 'idaAuthUrl', text: 'must be an http(s) URL without query or fragment' });
  }
  if (typeof config.env === 'string' && !IDA_ENVS.some((e) => e.toLowerCase() === config.env!.toLowerCase())) {
    problems.push({ setting: 'env', text: `must be one of ${IDA_ENVS.join(', ')}` });
  }
  if (!config.encryptCertPath && config.encryptCert === undefined) {
    problems.push({ setting: 'encryptCertPath', label: 'encryptCertPath or encryptCert', text: 'is required' });
  }
  if (config.signKey === undefined) {
    if (!config.signP12Path && config.signP12 === undefined) {
      problems.push({ setting: 'signP12Path', label: 'signP12Path, signP12 or signKey', text: 'is required' });
    }
    if (typeof config.signP12Password !== 'string') problems.push({ setting: 'signP12Password', text: 'is required' });
  }
  if (config.transport !== undefined && typeof config.transport?.send !== 'function') problems.push({ setting: 'transport', text: 'must have send()' });
  if (config.onAttempt !== undefined && typeof config.onAttempt !== 'function') problems.push({ setting: 'onAttempt', text: 'must be a function' });
  return problems;
}

function describe(e: ErrorObject): ConfigProblem {
  // Values are never echoed: they may be secrets (API key, licence key).
  if (e.keyword === 'required') return { setting: String(e.params.missingProperty), text: 'is required' };
  const setting = e.instancePath.replace(/^\//, '') || 'config';
  if (e.keyword === 'enum') return { setting, text: `must be one of ${(e.params.allowedValues as string[]).join(', ')}` };
  return { setting, text: e.message ?? 'is invalid' };
}

function isPlainHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !text.includes('?') && !text.includes('#');
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
