import { Ajv } from 'ajv';
import { join, resolve } from 'node:path';
import { describeSettingErrors, readEnvSettings, type EnvNames } from './env-settings.js';

/** The settings the API and the worker both read, from the same environment variables, with the same meaning. */
export interface SharedSettings {
  /** SQLite `<dataDir>/seeder.sqlite`, files `<dataDir>/files`, key `<dataDir>/data.key`; made absolute. */
  readonly dataDir: string;
  readonly storePath: string;
  /**
   * Where requests, records and files live: SQLite at {@link storePath} (the default), or PostgreSQL when
   * `MTS_DATABASE_URL` is set (then nothing is kept on local disk, and the worker's queue goes there too).
   */
  readonly database: DatabaseSettings;
  /** Base64 of 32 bytes; when absent the key file is used (created on first start, SQLite only). */
  readonly dataKey: string | undefined;
  /** `MTS_DATA_KEY_FILE`, else `<dataDir>/data.key`. */
  readonly dataKeyFile: string;
  /**
   * The key file must already exist: when `MTS_DATA_KEY_FILE` names it (a mistyped path must not become a new key
   * over data sealed under the old one), and on PostgreSQL, where every replica needs the same key. Only the default
   * `<dataDir>/data.key` is generated.
   */
  readonly dataKeyFileMustExist: boolean;
  /** Keys that still decrypt data written before a key rotation. */
  readonly previousDataKeys: readonly string[];
  /** Two digits starting every request id (MTS's pod id). */
  readonly podId: string;
  /** MTS's `default_lang_code`. */
  readonly defaultLang: string;
  /** MTS's `mandatory_validation_auth_fields`, split at commas, each trimmed. */
  readonly mandatoryFields: readonly string[];
  /** MTS's `name_delimiter`: joins the parts of a name mapped from several fields. */
  readonly nameDelimiter: string;
  /** MTS's `full_address_delimiter`: joins the parts of an address mapped from several fields. */
  readonly addressDelimiter: string;
  readonly logLevel: 'error' | 'warn' | 'info' | 'debug';
}

/** The store's engine, as {@link SharedSettings.database} says it. */
export type DatabaseSettings =
  | { readonly engine: 'sqlite'; readonly path: string }
  | { readonly engine: 'postgres'; readonly url: string; readonly schema: string };

/**
 * The `openStore` target for the configured engine: `{ path }` (SQLite) or `{ url, schema }` (PostgreSQL).
 *
 * @example const store = await openStore({ ...storeTarget(config), keyring, podId: config.podId });
 */
export function storeTarget(settings: Pick<SharedSettings, 'database'>): { path: string } | { url: string; schema: string } {
  const db = settings.database;
  return db.engine === 'postgres' ? { url: db.url, schema: db.schema } : { path: db.path };
}

/** Setting → environment variables, first one set wins (ours, then MTS's Dynaconf name). */
export const SHARED_SETTING_VARS = {
  dataDir: ['MTS_DATA_DIR', 'TOKENSEEDER_ROOT__DATA_DIR'],
  databaseUrl: ['MTS_DATABASE_URL'],
  databaseSchema: ['MTS_DATABASE_SCHEMA'],
  dataKey: ['MTS_DATA_KEY'],
  dataKeyFile: ['MTS_DATA_KEY_FILE'],
  previousDataKeys: ['MTS_DATA_KEY_PREVIOUS'],
  podId: ['MTS_POD_ID'],
  defaultLang: ['TOKENSEEDER_ROOT__DEFAULT_LANG_CODE'],
  mandatoryFields: ['TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS'],
  nameDelimiter: ['TOKENSEEDER_ROOT__NAME_DELIMITER'],
  addressDelimiter: ['TOKENSEEDER_ROOT__FULL_ADDRESS_DELIMITER'],
  logLevel: ['MTS_LOG_LEVEL', 'TOKENSEEDER_LOGGING__LOGLEVEL'],
} as const satisfies EnvNames;

const KEY = '[A-Za-z0-9+/]{43}=';
const schema = {
  type: 'object',
  properties: {
    dataDir: { type: 'string', minLength: 1, default: './data' },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    databaseSchema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'public' },
    dataKey: { type: 'string', pattern: `^${KEY}$` },
    dataKeyFile: { type: 'string', minLength: 1 },
    previousDataKeys: { type: 'string', pattern: `^${KEY}(,${KEY})*$` },
    podId: { type: 'string', pattern: '^[0-9]{2}$', default: '00' },
    defaultLang: { type: 'string', pattern: '^[a-z]{3}$', default: 'eng' },
    // Spaces around the commas are accepted, as MTS accepts them (it would then miss " gender"; we trim).
    mandatoryFields: { type: 'string', pattern: '^[A-Za-z, ]*$', default: 'name,gender,dob,fullAddress' },
    // Taken as given, spaces included (MTS's defaults are ' ' and ', '); short, and without line breaks.
    nameDelimiter: { type: 'string', maxLength: 16, pattern: '^[^\\r\\n]*$', default: ' ' },
    addressDelimiter: { type: 'string', maxLength: 16, pattern: '^[^\\r\\n]*$', default: ', ' },
    logLevel: { type: 'string', enum: ['error', 'warn', 'info', 'debug'], default: 'info' },
  },
  additionalProperties: false,
} as const;

const validate = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true }).compile(schema);

/** What {@link readSharedSettings} found: the settings, or one line per problem naming the variable. */
export type SharedSettingsResult = { ok: true; settings: SharedSettings } | { ok: false; problems: string[] };

/**
 * Reads and checks the shared settings from an environment object (only the apps' `config.ts` pass `process.env`).
 * Problems name the environment variable, never its value.
 *
 * @example
 * const shared = readSharedSettings({ MTS_DATA_DIR: '/srv/mts' });
 * if (shared.ok) shared.settings.storePath; // '/srv/mts/seeder.sqlite'
 */
export function readSharedSettings(env: Readonly<Record<string, string | undefined>>): SharedSettingsResult {
  const raw = readEnvSettings(SHARED_SETTING_VARS, env);
  const problems = validate(raw) ? [] : describeSettingErrors(validate.errors, SHARED_SETTING_VARS);
  // The pattern only looks at the scheme; a URL the driver cannot parse would otherwise fail later, as "unreachable".
  if (typeof raw.databaseUrl === 'string' && !URL.canParse(raw.databaseUrl)) {
    problems.push('MTS_DATABASE_URL: must be a URL such as postgres://user:password@host:5432/database');
  }
  if (problems.length > 0) return { ok: false, problems };
  const v = raw as Record<keyof typeof SHARED_SETTING_VARS, string>;
  const dataDir = resolve(v.dataDir);
  const storePath = join(dataDir, 'seeder.sqlite');
  const onPostgres = v.databaseUrl !== undefined;
  // Replicas on PostgreSQL share data, so they must share its key: a key file each made on first start would not be.
  if (onPostgres && !v.dataKey && !v.dataKeyFile) {
    return { ok: false, problems: ['MTS_DATA_KEY: required with MTS_DATABASE_URL (or MTS_DATA_KEY_FILE naming a key file every process mounts)'] };
  }
  const database: DatabaseSettings = onPostgres
    ? Object.freeze({ engine: 'postgres' as const, url: v.databaseUrl, schema: v.databaseSchema })
    : Object.freeze({ engine: 'sqlite' as const, path: storePath });
  return {
    ok: true,
    settings: Object.freeze({
      dataDir,
      storePath,
      database,
      dataKey: v.dataKey,
      dataKeyFile: v.dataKeyFile ? resolve(v.dataKeyFile) : join(dataDir, 'data.key'),
      dataKeyFileMustExist: onPostgres || v.dataKeyFile !== undefined,
      previousDataKeys: Object.freeze(v.previousDataKeys ? v.previousDataKeys.split(',') : []),
      podId: v.podId,
      defaultLang: v.defaultLang,
      mandatoryFields: Object.freeze(splitList(v.mandatoryFields)),
      nameDelimiter: v.nameDelimiter,
      addressDelimiter: v.addressDelimiter,
      logLevel: v.logLevel as SharedSettings['logLevel'],
    }),
  };
}

/** `"name, gender,,dob"` → `['name', 'gender', 'dob']`. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
