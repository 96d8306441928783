import { Ajv } from 'ajv';
import { describeSettingErrors, readEnvSettings } from '@mts/service-kit';
import { join, resolve } from 'node:path';
import { authenticatorConfigFromEnv, validateAuthenticatorConfig, type AuthenticatorConfig } from '@mts/authenticator';

/** The API's configuration, read once from the environment at start-up. MTS's Dynaconf names where MTS has one. */
export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  /** MTS's `api_path_prefix`, normalised to start and end with `/` (Helm uses `/mosiptokenseeder/`). */
  readonly apiPathPrefix: string;
  /** MTS's `sync_operation_mode`: POST authtoken/json becomes the single-record synchronous call. */
  readonly syncOperationMode: boolean;
  readonly podName: string;
  readonly workerId: number;
  /** Shared with the worker: SQLite `<dataDir>/seeder.sqlite`, files `<dataDir>/files`, key `<dataDir>/data.key`. */
  readonly dataDir: string;
  readonly storePath: string;
  /** Base64 of 32 bytes; when absent the key file is used (created on first start). */
  readonly dataKey: string | undefined;
  readonly dataKeyFile: string;
  readonly previousDataKeys: readonly string[];
  /** Two digits starting every request id (MTS's pod id). */
  readonly podId: string;
  /** Largest accepted csv_file, in bytes. */
  readonly maxUploadBytes: number;
  /** Largest accepted JSON body, in bytes. */
  readonly maxJsonBytes: number;
  readonly defaultLang: string;
  readonly mandatoryFields: readonly string[];
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** IDA partner settings for the sync endpoint (MTS's TOKENSEEDER_* names); null when not configured. */
  readonly authenticator: AuthenticatorConfig | null;
}

/** Thrown by {@link loadConfig} with every problem found, one per line. */
export class ConfigError extends Error {
  readonly code = 'ATS-CFG-001';
  readonly retryable = false;
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

// Setting → environment variables, first one set wins; the data settings are the worker's names (one data dir).
const VARS = {
  host: ['MTS_API_HOST'],
  port: ['PORT'],
  apiPathPrefix: ['TOKENSEEDER_ROOT__API_PATH_PREFIX'],
  syncOperationMode: ['TOKENSEEDER_ROOT__SYNC_OPERATION_MODE'],
  podName: ['TOKENSEEDER_DOCKER__POD_NAME'],
  workerId: ['TOKENSEEDER_GUNICORN__WORKER_ID'],
  dataDir: ['MTS_DATA_DIR', 'TOKENSEEDER_ROOT__DATA_DIR'],
  dataKey: ['MTS_DATA_KEY'],
  previousDataKeys: ['MTS_DATA_KEY_PREVIOUS'],
  podId: ['MTS_POD_ID'],
  maxUploadBytes: ['MTS_MAX_UPLOAD_BYTES'],
  maxJsonBytes: ['MTS_MAX_JSON_BYTES'],
  defaultLang: ['TOKENSEEDER_ROOT__DEFAULT_LANG_CODE'],
  mandatoryFields: ['TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS'],
  logLevel: ['MTS_LOG_LEVEL', 'TOKENSEEDER_LOGGING__LOGLEVEL'],
} as const;

const schema = {
  type: 'object',
  properties: {
    host: { type: 'string', minLength: 1, default: '0.0.0.0' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080 },
    apiPathPrefix: { type: 'string', pattern: '^/', default: '/' },
    syncOperationMode: { type: 'boolean', default: false },
    podName: { type: 'string', minLength: 1, default: 'token-seeder-0' },
    workerId: { type: 'integer', minimum: 0, default: 0 },
    dataDir: { type: 'string', minLength: 1, default: './data' },
    dataKey: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
    previousDataKeys: { type: 'string', pattern: '^([A-Za-z0-9+/]{43}=)(,[A-Za-z0-9+/]{43}=)*$' },
    podId: { type: 'string', pattern: '^[0-9]{2}$', default: '00' },
    maxUploadBytes: { type: 'integer', minimum: 1, default: 512 * 1024 * 1024 },
    maxJsonBytes: { type: 'integer', minimum: 1, default: 100 * 1024 * 1024 },
    defaultLang: { type: 'string', pattern: '^[a-z]{3}$', default: 'eng' },
    mandatoryFields: { type: 'string', pattern: '^[A-Za-z,]*$', default: 'name,gender,dob,fullAddress' },
    logLevel: { type: 'string', enum: ['error', 'warn', 'info', 'debug'], default: 'info' },
  },
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
const validate = ajv.compile(schema);

/**
 * Reads and checks the API's settings; reports every problem at once.
 * @example const config = loadConfig(process.env); // throws ConfigError listing each bad variable
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const raw = readEnvSettings(VARS, env);
  // The sync endpoint needs partner settings; they are optional unless sync_operation_mode makes it the json route.
  let authenticator: AuthenticatorConfig | null = null;
  const authProblems: string[] = [];
  try {
    authenticator = authenticatorConfigFromEnv(env);
    validateAuthenticatorConfig(authenticator);
  } catch (err) {
    authenticator = null;
    if (/^(1|true|yes|on)$/i.test(env.TOKENSEEDER_ROOT__SYNC_OPERATION_MODE ?? '')) {
      authProblems.push(`sync_operation_mode needs the IDA partner settings: ${(err as Error).message}`);
    }
  }
  if (!validate(raw)) {
    throw new ConfigError([...describeSettingErrors(validate.errors, VARS), ...authProblems]);
  }
  if (authProblems.length) throw new ConfigError(authProblems);
  const v = raw as Record<string, never>;
  const prefix = String(v.apiPathPrefix);
  const dataDir = resolve(String(v.dataDir));
  return Object.freeze({
    host: v.host,
    port: v.port,
    apiPathPrefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
    syncOperationMode: v.syncOperationMode,
    podName: v.podName,
    workerId: v.workerId,
    dataDir,
    storePath: join(dataDir, 'seeder.sqlite'),
    dataKey: v.dataKey,
    dataKeyFile: join(dataDir, 'data.key'),
    previousDataKeys: Object.freeze(v.previousDataKeys ? String(v.previousDataKeys).split(',') : []),
    podId: v.podId,
    maxUploadBytes: v.maxUploadBytes,
    maxJsonBytes: v.maxJsonBytes,
    defaultLang: v.defaultLang,
    mandatoryFields: Object.freeze(String(v.mandatoryFields).split(',').filter(Boolean)),
    logLevel: v.logLevel,
    authenticator,
  });
}
