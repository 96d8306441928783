import { Ajv } from 'ajv';
import { ConfigError, describeSettingErrors, readEnvSettings, readSharedSettings, type SharedSettings } from '@mts/service-kit';
import { authenticatorConfigFromEnv, checkAuthenticatorEnv, type AuthenticatorConfig } from '@mts/authenticator';
import { readAuthSettings } from './auth-config.js';
import type { CallerAuthSettings } from './lib/auth/caller-auth.js';
import { parsedJsonLimit } from './lib/declared-length.js';

/**
 * The API's configuration, read once from the environment at start-up. MTS's Dynaconf names where MTS has one.
 * The settings shared with the worker (data dir and keys, pod id, language, mandatory fields, log level) are
 * `@mts/service-kit`'s {@link SharedSettings}.
 */
export interface ApiConfig extends SharedSettings {
  readonly host: string;
  readonly port: number;
  /** MTS's `api_path_prefix`, normalised to start and end with `/` (Helm uses `/mosiptokenseeder/`). */
  readonly apiPathPrefix: string;
  /** MTS's `sync_operation_mode`: POST authtoken/json becomes the single-record synchronous call. */
  readonly syncOperationMode: boolean;
  readonly podName: string;
  readonly workerId: number;
  /** Largest accepted csv_file, in bytes. */
  readonly maxUploadBytes: number;
  /** Largest accepted authtoken/json (or vc) body, in bytes: streamed to disk record by record. */
  readonly maxJsonBytes: number;
  /** Largest JSON body parsed whole in memory (authtoken/sync, the pulled sources' requests), in bytes. */
  readonly maxParsedJsonBytes: number;
  /** IDA partner settings for the sync endpoint (MTS's TOKENSEEDER_* names); null when not configured. */
  readonly authenticator: AuthenticatorConfig | null;
  /** Caller authentication (`MTS_API_KEYS_FILE`, `MTS_OIDC_*`); both parts null: off, as in MTS. */
  readonly callerAuth: CallerAuthSettings;
}

/** Thrown by {@link loadConfig} with every problem found (`ATS-CFG-001`, shared with the other app). */
export { ConfigError };

// The API's own settings → environment variables, first one set wins (the shared ones are service-kit's).
export const VARS = {
  host: ['MTS_API_HOST'],
  port: ['PORT'],
  apiPathPrefix: ['TOKENSEEDER_ROOT__API_PATH_PREFIX'],
  syncOperationMode: ['TOKENSEEDER_ROOT__SYNC_OPERATION_MODE'],
  podName: ['TOKENSEEDER_DOCKER__POD_NAME'],
  workerId: ['TOKENSEEDER_GUNICORN__WORKER_ID'],
  maxUploadBytes: ['MTS_MAX_UPLOAD_BYTES'],
  maxJsonBytes: ['MTS_MAX_JSON_BYTES'],
  maxParsedJsonBytes: ['MTS_MAX_PARSED_JSON_BYTES'],
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
    maxUploadBytes: { type: 'integer', minimum: 1, default: 512 * 1024 * 1024 },
    // The records of authtoken/json go to disk as they arrive, so its limit is the CSV upload's; a body parsed whole
    // holds one request (sync: one record), and a large one would only cost memory.
    maxJsonBytes: { type: 'integer', minimum: 1, default: 512 * 1024 * 1024 },
    maxParsedJsonBytes: { type: 'integer', minimum: 1 },
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
  const shared = readSharedSettings(env);
  const raw = readEnvSettings(VARS, env);
  const problems = validate(raw) ? [] : describeSettingErrors(validate.errors, VARS);
  if (!shared.ok) problems.push(...shared.problems);
  // The sync endpoint needs partner settings; they are optional unless sync_operation_mode makes it the json route.
  const authProblems = checkAuthenticatorEnv(env);
  if (authProblems.length > 0 && /^(1|true|yes|on)$/i.test(env.TOKENSEEDER_ROOT__SYNC_OPERATION_MODE ?? '')) {
    problems.push(`sync_operation_mode needs the IDA partner settings: ${authProblems.join('; ')}`);
  }
  const callerAuth = readAuthSettings(env);
  problems.push(...callerAuth.problems);
  if (problems.length > 0 || !shared.ok) throw new ConfigError(problems);
  const v = raw as Record<string, never>;
  const prefix = String(v.apiPathPrefix);
  return Object.freeze({
    ...shared.settings,
    host: v.host,
    port: v.port,
    apiPathPrefix: prefix.endsWith('/') ? prefix : `${prefix}/`,
    syncOperationMode: v.syncOperationMode,
    podName: v.podName,
    workerId: v.workerId,
    maxUploadBytes: v.maxUploadBytes,
    maxJsonBytes: v.maxJsonBytes,
    maxParsedJsonBytes: parsedJsonLimit({ maxJsonBytes: v.maxJsonBytes, maxParsedJsonBytes: v.maxParsedJsonBytes }),
    authenticator: authProblems.length === 0 ? authenticatorConfigFromEnv(env) : null,
    callerAuth: callerAuth.settings,
  });
}
