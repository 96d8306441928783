import { Ajv } from 'ajv';
import { AUTHENTICATOR_ENV, authenticatorConfigFromEnv, checkAuthenticatorEnv, type AuthenticatorConfig } from '@mts/authenticator';
import { ConfigError, describeSettingErrors, readEnvSettings, readSharedSettings, type SharedSettings } from '@mts/service-kit';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/**
 * The worker's settings, read once from the environment at start-up (the only place reading `process.env`). The
 * settings shared with the API (data dir and keys, pod id, language, mandatory fields, log level) are
 * `@mts/service-kit`'s {@link SharedSettings}.
 */
export interface WorkerConfig extends SharedSettings {
  /**
   * Records at IDA at once from this process, shared fairly between its requests: the fixed value, or where the
   * adaptive limit starts. `MTS_IDA_CONCURRENCY` (and the bounds below) are the worker's totals: a supervised child
   * gets its part of an exact split of each (see {@link idaShare}).
   */
  readonly idaConcurrency: number;
  /**
   * `adaptive` (the default): the limit moves within [idaConcurrencyMin, idaConcurrencyMax] — up while IDA's latency
   * stays flat, down on 429/503/timeouts. `fixed`: always idaConcurrency (what setting `MTS_IDA_CONCURRENCY` alone gives).
   */
  readonly idaConcurrencyMode: 'adaptive' | 'fixed';
  /** The adaptive limit's bounds; both equal idaConcurrency in fixed mode. */
  readonly idaConcurrencyMin: number;
  readonly idaConcurrencyMax: number;
  /**
   * Processes this worker runs as (`MTS_WORKER_PROCESSES`; `auto`, the default: `os.availableParallelism()`). More than
   * one: `main.js` becomes a supervisor of that many children; 1, and always in a supervised child: the worker runs in
   * this process.
   */
  readonly workerProcesses: number;
  /** In a child started by the supervisor: its number (1…of) and how many there are; null otherwise. */
  readonly supervised: { readonly index: number; readonly of: number } | null;
  /** Records per process-chunk job. */
  readonly chunkSize: number;
  /** Chunk jobs of one request in the queue at once (the rest follow as these finish). */
  readonly chunksInFlightPerRequest: number;
  readonly queue:
    | { readonly backend: 'sqlite'; readonly path: string; readonly tableName: string }
    | { readonly backend: 'postgres'; readonly url: string; readonly tableName: string; readonly schema?: string | undefined };
  /** Agenda lock lifetime: a killed worker's jobs are claimed again after this long. */
  readonly lockLifetimeMs: number;
  readonly pollIntervalMs: number;
  /** How often the store is polled for requests the API stored (default: pollIntervalMs). */
  readonly intakeIntervalMs: number;
  /** Capped exponential backoff with jitter for chunks that met an unavailable IDA. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** While chunks wait for IDA's return, one probe call per interval (ms). */
  readonly idaProbeIntervalMs: number;
  /** Tries of a pulled source (ODK) that stays unreachable before its request ends with what was read. */
  readonly pullMaxAttempts: number;
  /** Rows (or records) per page or window a pulled source asks for; unset: each source's own default. */
  readonly pullPageSize: number | undefined;
  /** Where callbacks and pulled sources may connect (caller-supplied addresses; IDA is not subject to it). */
  readonly outbound: { readonly denyPrivate: boolean; readonly allow: readonly string[] };
  readonly cleanup: { readonly enabled: boolean; readonly intervalSeconds: number; readonly expirySeconds: number };
  /** IDA partner settings (MTS's TOKENSEEDER_* names), checked at start-up. */
  readonly authenticator: AuthenticatorConfig;
  /**
   * Where the worker serves GET /health/live, /health/ready and /metrics (`MTS_WORKER_HTTP_PORT`, `..._HOST`);
   * null (the default): no HTTP server at all. Supervised child i (1-based) listens on port + i - 1 (port 0: each a
   * free port); the supervisor itself serves nothing.
   */
  readonly http: { readonly port: number; readonly host: string } | null;
}

/** Thrown by {@link loadConfig} with every problem found (`ATS-CFG-001`, shared with the other app). */
export { ConfigError };

/**
 * Set by the supervisor (apps/worker/src/main.ts) in each child's environment, `<index>/<count>`: the child runs the
 * worker in-process with its share of the settings. Internal, not a setting: deployment files never set it.
 */
export const SUPERVISED_CHILD_VAR = 'MTS_WORKER_CHILD';

// The worker's own settings → environment variables, first one set wins (the shared ones are service-kit's).
export const VARS = {
  idaConcurrency: ['MTS_IDA_CONCURRENCY'],
  idaConcurrencyMode: ['MTS_IDA_CONCURRENCY_MODE'],
  idaConcurrencyMin: ['MTS_IDA_CONCURRENCY_MIN'],
  idaConcurrencyMax: ['MTS_IDA_CONCURRENCY_MAX'],
  workerProcesses: ['MTS_WORKER_PROCESSES'],
  chunkSize: ['MTS_CHUNK_SIZE'],
  chunksInFlightPerRequest: ['MTS_CHUNKS_IN_FLIGHT_PER_REQUEST'],
  queueBackend: ['MTS_QUEUE_BACKEND'],
  queueUrl: ['MTS_QUEUE_POSTGRES_URL'],
  queueTable: ['MTS_QUEUE_TABLE'],
  lockLifetimeMs: ['MTS_JOB_LOCK_LIFETIME_MS'],
  pollIntervalMs: ['MTS_POLL_INTERVAL_MS'],
  intakeIntervalMs: ['MTS_INTAKE_INTERVAL_MS'],
  retryBaseMs: ['MTS_RETRY_BASE_MS'],
  retryMaxMs: ['MTS_RETRY_MAX_MS'],
  idaProbeIntervalMs: ['MTS_IDA_PROBE_INTERVAL_MS'],
  pullMaxAttempts: ['MTS_PULL_MAX_ATTEMPTS'],
  pullPageSize: ['MTS_PULL_PAGE_SIZE'],
  outboundDenyPrivate: ['MTS_OUTBOUND_DENY_PRIVATE'],
  outboundAllow: ['MTS_OUTBOUND_ALLOW'],
  cleanupEnabled: ['TOKENSEEDER_CLEANUP__ENABLED'],
  cleanupIntervalSeconds: ['TOKENSEEDER_CLEANUP__CLEANUP_INTERVAL_SECONDS'],
  cleanupExpirySeconds: ['TOKENSEEDER_CLEANUP__CLEANUP_EXPIRY_SECONDS'],
  httpPort: ['MTS_WORKER_HTTP_PORT'],
  httpHost: ['MTS_WORKER_HTTP_HOST'],
} as const;

const schema = {
  type: 'object',
  properties: {
    // No default: whether MTS_IDA_CONCURRENCY is set decides the mode when MTS_IDA_CONCURRENCY_MODE is not.
    idaConcurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    idaConcurrencyMode: { type: 'string', enum: ['adaptive', 'fixed'] },
    idaConcurrencyMin: { type: 'integer', minimum: 1, maximum: 1024 },
    idaConcurrencyMax: { type: 'integer', minimum: 1, maximum: 1024 },
    // A string so that `auto` and a number share one pattern (and one message naming the variable).
    workerProcesses: { type: 'string', pattern: '^(auto|[1-9][0-9]{0,2})$', default: 'auto' },
    chunkSize: { type: 'integer', minimum: 1, maximum: 10000, default: 200 },
    chunksInFlightPerRequest: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
    queueBackend: { type: 'string', enum: ['sqlite', 'postgres'] },
    queueUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    queueTable: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'agenda_jobs' },
    lockLifetimeMs: { type: 'integer', minimum: 1000, default: 10000 },
    pollIntervalMs: { type: 'integer', minimum: 10, default: 250 },
    intakeIntervalMs: { type: 'integer', minimum: 10 },
    retryBaseMs: { type: 'integer', minimum: 1, default: 1000 },
    retryMaxMs: { type: 'integer', minimum: 1, default: 60000 },
    idaProbeIntervalMs: { type: 'integer', minimum: 50, maximum: 600000, default: 2000 },
    pullMaxAttempts: { type: 'integer', minimum: 1, maximum: 1000, default: 8 },
    pullPageSize: { type: 'integer', minimum: 1, maximum: 100000 },
    outboundDenyPrivate: { type: 'boolean', default: true },
    outboundAllow: { type: 'string', pattern: '^[A-Za-z0-9.:/_, -]*$', default: '' },
    cleanupEnabled: { type: 'boolean', default: true },
    cleanupIntervalSeconds: { type: 'integer', minimum: 1, default: 21600 },
    cleanupExpirySeconds: { type: 'integer', minimum: 0, default: 21600 },
    httpPort: { type: 'integer', minimum: 0, maximum: 65535 },
    httpHost: { type: 'string', minLength: 1, default: '0.0.0.0' },
  },
  additionalProperties: false,
} as const;

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
const validate = ajv.compile(schema);

/**
 * The environment of supervised child `index` of `of`: the supervisor's own, plus the marker that makes the child run
 * the worker in-process with its share (read back by {@link loadConfig}).
 *
 * @example
 * ```ts
 * fork(process.argv[1], { env: supervisedChildEnv(process.env, 2, 4) }); // MTS_WORKER_CHILD=2/4
 * ```
 */
export function supervisedChildEnv(env: NodeJS.ProcessEnv, index: number, of: number): NodeJS.ProcessEnv {
  return { ...env, [SUPERVISED_CHILD_VAR]: `${index}/${of}` };
}

/**
 * Process `index`'s share (1-based) of a total spread over `processes` processes: the total split exactly, the first
 * `total % processes` processes taking one more, so the shares add up to the total. At least 1 (the configuration
 * refuses more processes than the smallest total).
 *
 * @example
 * ```ts
 * idaShare(48, 2, 1); // 24
 * [1, 2, 3, 4].map((i) => idaShare(10, 4, i)); // [3, 3, 2, 2]
 * ```
 */
export function idaShare(total: number, processes: number, index = 1): number {
  const n = Math.max(1, processes);
  return Math.max(1, Math.floor(total / n) + (index <= total % n ? 1 : 0));
}

/**
 * The CPUs this process may use: `os.availableParallelism()` (affinity), lowered to a cgroup CPU quota when one is
 * set (a container started with `--cpus=2` on a 32-core host sees 32 otherwise).
 *
 * @example
 * ```ts
 * usableCpus(); // 2 in a container limited to two CPUs
 * ```
 */
export function usableCpus(readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): number {
  const cpus = availableParallelism();
  const read = (path: string) => {
    try {
      return readFile(path).trim();
    } catch {
      return undefined;
    }
  };
  let quota: number | undefined;
  const v2 = read('/sys/fs/cgroup/cpu.max'); // cgroup v2: "<quota> <period>" or "max <period>"
  if (v2) {
    const [q, period] = v2.split(/\s+/);
    if (q !== 'max' && Number(q) > 0 && Number(period) > 0) quota = Number(q) / Number(period);
  } else {
    const q = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
    const period = Number(read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
    if (q > 0 && period > 0) quota = q / period;
  }
  return quota === undefined ? cpus : Math.max(1, Math.min(cpus, Math.ceil(quota)));
}

// `<index>/<count>` from the supervisor; anything else is a bug in the supervisor, reported as a problem.
function readSupervised(env: NodeJS.ProcessEnv, problems: string[]): { index: number; of: number } | null {
  const marker = env[SUPERVISED_CHILD_VAR];
  if (marker === undefined) return null;
  const m = /^([1-9][0-9]{0,2})\/([1-9][0-9]{0,2})$/.exec(marker);
  if (!m || Number(m[1]) > Number(m[2])) {
    problems.push(`${SUPERVISED_CHILD_VAR}: must be <index>/<count> (set by the worker's supervisor only)`);
    return null;
  }
  return { index: Number(m[1]), of: Number(m[2]) };
}

/**
 * Reads and checks the worker's settings, reporting every problem at once, and returns a frozen object.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env); // throws ConfigError listing each bad variable
 * ```
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const shared = readSharedSettings(env);
  const raw = readEnvSettings(VARS, env);
  const valid = validate(raw);
  const problems = valid ? [] : describeSettingErrors(validate.errors, VARS);
  if (valid && Number(raw.retryMaxMs) < Number(raw.retryBaseMs)) problems.push('MTS_RETRY_MAX_MS: must be >= MTS_RETRY_BASE_MS');
  const supervised = readSupervised(env, problems);
  const auto = raw.workerProcesses === 'auto' || raw.workerProcesses === undefined;
  let workerProcesses = auto ? usableCpus() : Number(raw.workerProcesses);
  if (workerProcesses > 256) problems.push('MTS_WORKER_PROCESSES: must be auto or 1 to 256');
  const ida = valid ? idaConcurrencyOf(raw, env, problems, supervised?.of ?? workerProcesses) : undefined;
  // Every process needs at least one IDA call of the smallest total (the fixed limit, or the adaptive minimum).
  if (ida && workerProcesses > ida.idaConcurrencyMin) {
    if (auto) workerProcesses = ida.idaConcurrencyMin;
    else problems.push(`MTS_WORKER_PROCESSES: ${workerProcesses} processes cannot share ${ida.idaConcurrencyMode === 'fixed' ? 'MTS_IDA_CONCURRENCY' : 'MTS_IDA_CONCURRENCY_MIN'}=${ida.idaConcurrencyMin} (each needs at least 1)`);
  }
  // Child i listens on port + i - 1: the last one's port must exist too.
  if (valid && raw.httpPort !== undefined && Number(raw.httpPort) > 0 && Number(raw.httpPort) + workerProcesses - 1 > 65535) {
    problems.push(`MTS_WORKER_HTTP_PORT: with MTS_WORKER_PROCESSES=${workerProcesses}, process i listens on port + i - 1, past 65535`);
  }
  if (!shared.ok) problems.push(...shared.problems);
  // The queue follows the store: on PostgreSQL (MTS_DATABASE_URL) it is there too, unless set otherwise.
  const database = shared.ok ? shared.settings.database : undefined;
  const queueBackend = raw.queueBackend ?? (database?.engine === 'postgres' ? 'postgres' : 'sqlite');
  const queueUrl = raw.queueUrl ?? (database?.engine === 'postgres' ? database.url : undefined);
  if (queueBackend === 'postgres' && queueUrl === undefined) problems.push('MTS_QUEUE_POSTGRES_URL: required with MTS_QUEUE_BACKEND=postgres (or set MTS_DATABASE_URL)');
  // Every record goes to IDA: a worker without partner settings would fail each request, so it does not start.
  problems.push(...checkAuthenticatorEnv(env));
  if (problems.length > 0 || !shared.ok) throw new ConfigError(problems);
  const v = raw as Record<string, never>;
  const { dataDir } = shared.settings;
  const authenticator = authenticatorConfigFromEnv(env);
  const httpPort = v.httpPort === undefined ? undefined : supervised && Number(v.httpPort) > 0 ? Number(v.httpPort) + supervised.index - 1 : Number(v.httpPort);
  // A supervised child takes its share of the worker's limit and bounds, so the processes together keep to them.
  const share = (n: number) => (supervised ? idaShare(n, supervised.of, supervised.index) : n);
  return Object.freeze({
    ...shared.settings,
    idaConcurrency: share(ida!.idaConcurrency),
    idaConcurrencyMode: ida!.idaConcurrencyMode,
    idaConcurrencyMin: share(ida!.idaConcurrencyMin),
    idaConcurrencyMax: share(ida!.idaConcurrencyMax),
    workerProcesses: supervised ? 1 : workerProcesses,
    supervised: supervised ? Object.freeze(supervised) : null,
    chunkSize: v.chunkSize,
    chunksInFlightPerRequest: v.chunksInFlightPerRequest,
    queue: Object.freeze(
      queueBackend === 'postgres'
        ? {
            backend: 'postgres' as const,
            url: String(queueUrl),
            tableName: String(v.queueTable),
            // With the store's schema when they share the database, so one schema holds one deployment.
            schema: raw.queueUrl === undefined && database?.engine === 'postgres' ? database.schema : undefined,
          }
        : { backend: 'sqlite' as const, path: join(dataDir, 'jobs.sqlite'), tableName: String(v.queueTable) },
    ),
    lockLifetimeMs: v.lockLifetimeMs,
    pollIntervalMs: v.pollIntervalMs,
    intakeIntervalMs: v.intakeIntervalMs ?? v.pollIntervalMs,
    retryBaseMs: v.retryBaseMs,
    retryMaxMs: v.retryMaxMs,
    idaProbeIntervalMs: v.idaProbeIntervalMs,
    pullMaxAttempts: v.pullMaxAttempts,
    pullPageSize: v.pullPageSize,
    outbound: Object.freeze({
      denyPrivate: v.outboundDenyPrivate,
      allow: Object.freeze(String(v.outboundAllow).split(',').map((s) => s.trim()).filter(Boolean)),
    }),
    cleanup: Object.freeze({
      enabled: v.cleanupEnabled,
      intervalSeconds: v.cleanupIntervalSeconds,
      expirySeconds: v.cleanupExpirySeconds,
    }),
    // One socket per call in flight at the highest limit (the agent's default, 64, would cap the adaptive limit).
    authenticator: Object.freeze({ ...authenticator, maxSockets: authenticator.maxSockets ?? Math.max(64, share(ida!.idaConcurrencyMax)) }),
    http: httpPort === undefined ? null : Object.freeze({ port: httpPort, host: String(v.httpHost) }),
  });
}

const DEFAULT_IDA_CONCURRENCY = 48;

// The mode and bounds of the IDA concurrency limit; MTS_IDA_CONCURRENCY alone keeps today's fixed limit.
// `processes`: how many processes share the totals; each has its own connection pool, sized for its largest share.
function idaConcurrencyOf(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, problems: string[], processes: number) {
  const value = raw.idaConcurrency as number | undefined;
  const mode = (raw.idaConcurrencyMode as 'adaptive' | 'fixed' | undefined) ?? (value === undefined ? 'adaptive' : 'fixed');
  const sockets = Number(env[AUTHENTICATOR_ENV.maxSockets]);
  const socketsTooFew = (n: number, names: string) => {
    if (sockets > 0 && sockets < idaShare(n, processes, 1)) problems.push(`${AUTHENTICATOR_ENV.maxSockets}: must be >= ${names} (one connection per call in flight)`);
  };
  if (mode === 'fixed') {
    for (const key of ['idaConcurrencyMin', 'idaConcurrencyMax'] as const) {
      if (raw[key] !== undefined) problems.push(`${VARS[key][0]}: applies to MTS_IDA_CONCURRENCY_MODE=adaptive only (MTS_IDA_CONCURRENCY alone fixes the limit)`);
    }
    const fixed = value ?? DEFAULT_IDA_CONCURRENCY;
    socketsTooFew(fixed, 'MTS_IDA_CONCURRENCY');
    return { idaConcurrency: fixed, idaConcurrencyMode: mode, idaConcurrencyMin: fixed, idaConcurrencyMax: fixed };
  }
  const min = (raw.idaConcurrencyMin as number | undefined) ?? 8;
  const max = (raw.idaConcurrencyMax as number | undefined) ?? 256;
  if (min > max) problems.push('MTS_IDA_CONCURRENCY_MIN: must be <= MTS_IDA_CONCURRENCY_MAX');
  if (value !== undefined && (value < min || value > max)) {
    problems.push('MTS_IDA_CONCURRENCY: in adaptive mode it is where the limit starts, and must lie within MTS_IDA_CONCURRENCY_MIN..MTS_IDA_CONCURRENCY_MAX');
  }
  socketsTooFew(max, 'MTS_IDA_CONCURRENCY_MAX');
  const start = value ?? Math.min(max, Math.max(min, DEFAULT_IDA_CONCURRENCY));
  return { idaConcurrency: start, idaConcurrencyMode: mode, idaConcurrencyMin: min, idaConcurrencyMax: max };
}
