import { Ajv } from 'ajv';
import { resolve } from 'node:path';

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
  /** Shared data directory (SQLite database, uploads, outputs, key file). */
  readonly dataDir: string;
  readonly uploadDir: string;
  /** Largest accepted csv_file, in bytes. */
  readonly maxUploadBytes: number;
  /** Largest accepted JSON body, in bytes. */
  readonly maxJsonBytes: number;
  readonly defaultLang: string;
  readonly mandatoryFields: readonly string[];
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** The environment the authenticator (sync mode) and store read their own MTS-named settings from. */
  readonly env: Readonly<Record<string, string | undefined>>;
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

const VARS = {
  host: 'TOKENSEEDER_API__HOST',
  port: 'PORT',
  apiPathPrefix: 'TOKENSEEDER_ROOT__API_PATH_PREFIX',
  syncOperationMode: 'TOKENSEEDER_ROOT__SYNC_OPERATION_MODE',
  podName: 'TOKENSEEDER_DOCKER__POD_NAME',
  workerId: 'TOKENSEEDER_GUNICORN__WORKER_ID',
  dataDir: 'TOKENSEEDER_ROOT__DATA_DIR',
  maxUploadBytes: 'TOKENSEEDER_API__MAX_UPLOAD_BYTES',
  maxJsonBytes: 'TOKENSEEDER_API__MAX_JSON_BYTES',
  defaultLang: 'TOKENSEEDER_ROOT__DEFAULT_LANG_CODE',
  mandatoryFields: 'TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS',
  logLevel: 'TOKENSEEDER_LOGGING__LOGLEVEL',
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
    dataDir: { type: 'string', minLength: 1, default: 'data' },
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
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(VARS)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = key === 'logLevel' ? value.toLowerCase() : value;
  }
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1) as keyof typeof VARS;
      return `${VARS[key] ?? key}: ${e.message ?? 'invalid'}`;
    });
    throw new ConfigError(problems);
  }
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
    uploadDir: resolve(dataDir, 'uploads'),
    maxUploadBytes: v.maxUploadBytes,
    maxJsonBytes: v.maxJsonBytes,
    defaultLang: v.defaultLang,
    mandatoryFields: Object.freeze(String(v.mandatoryFields).split(',').filter(Boolean)),
    logLevel: v.logLevel,
    env: Object.freeze({ ...env }),
  });
}
