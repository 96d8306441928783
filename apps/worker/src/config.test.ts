import { SYNTHETIC_PARTNER_ENV as PARTNER } from '@mts/testing';
import { ConfigError, idaShare, loadConfig as loadWithEnv, usableCpus } from './config.js';

const loadConfig = (env: Record<string, string>) => loadWithEnv({ ...PARTNER, ...env });

test('defaults follow MTS and the shared data-dir layout', () => {
  const c = loadConfig({ MTS_DATA_DIR: '/srv/mts' });
  expect(c).toMatchObject({
    dataDir: '/srv/mts',
    storePath: '/srv/mts/seeder.sqlite',
    dataKeyFile: '/srv/mts/data.key',
    idaConcurrency: 48,
    idaConcurrencyMode: 'adaptive',
    idaConcurrencyMin: 8,
    idaConcurrencyMax: 256,
    chunkSize: 200,
    queue: { backend: 'sqlite', path: '/srv/mts/jobs.sqlite', tableName: 'agenda_jobs' },
    cleanup: { enabled: true, intervalSeconds: 21600, expirySeconds: 21600 },
    mandatoryFields: ['name', 'gender', 'dob', 'fullAddress'],
    pollIntervalMs: 250,
    intakeIntervalMs: 250,
  });
  expect(loadConfig({ MTS_POLL_INTERVAL_MS: '40' }).intakeIntervalMs).toBe(40);
  expect(loadConfig({ MTS_POLL_INTERVAL_MS: '40', MTS_INTAKE_INTERVAL_MS: '5000' }).intakeIntervalMs).toBe(5000);
  expect(Object.isFrozen(c)).toBe(true);
  expect(Object.isFrozen(c.cleanup)).toBe(true);
});

test('MTS names for clean-up and mandatory fields are read', () => {
  const c = loadConfig({
    TOKENSEEDER_CLEANUP__ENABLED: 'false',
    TOKENSEEDER_CLEANUP__CLEANUP_INTERVAL_SECONDS: '20',
    TOKENSEEDER_CLEANUP__CLEANUP_EXPIRY_SECONDS: '30',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,dob',
    MTS_QUEUE_BACKEND: 'postgres',
    MTS_QUEUE_POSTGRES_URL: 'postgres://127.0.0.1/test',
  });
  expect(c.cleanup).toEqual({ enabled: false, intervalSeconds: 20, expirySeconds: 30 });
  expect(c.mandatoryFields).toEqual(['name', 'dob']);
  expect(c.queue).toEqual({ backend: 'postgres', url: 'postgres://127.0.0.1/test', tableName: 'agenda_jobs' });
});

test('MTS_DATABASE_URL puts the queue on the same PostgreSQL, in the store\'s schema, unless the queue is set apart', () => {
  const key = Buffer.alloc(32, 5).toString('base64');
  const shared = loadConfig({ MTS_DATABASE_URL: 'postgres://db/mts', MTS_DATABASE_SCHEMA: 'seeder', MTS_DATA_KEY: key });
  expect(shared.database).toEqual({ engine: 'postgres', url: 'postgres://db/mts', schema: 'seeder' });
  expect(shared.queue).toEqual({ backend: 'postgres', url: 'postgres://db/mts', tableName: 'agenda_jobs', schema: 'seeder' });
  const apart = loadConfig({ MTS_DATABASE_URL: 'postgres://db/mts', MTS_DATA_KEY: key, MTS_QUEUE_POSTGRES_URL: 'postgres://queue/jobs' });
  expect(apart.queue).toEqual({ backend: 'postgres', url: 'postgres://queue/jobs', tableName: 'agenda_jobs', schema: undefined });
  const sqliteQueue = loadConfig({ MTS_DATABASE_URL: 'postgres://db/mts', MTS_DATA_KEY: key, MTS_QUEUE_BACKEND: 'sqlite', MTS_DATA_DIR: '/srv/mts' });
  expect(sqliteQueue.queue).toEqual({ backend: 'sqlite', path: '/srv/mts/jobs.sqlite', tableName: 'agenda_jobs' });
});

test('every problem is reported at once, naming variables but never their values', () => {
  const secret = 'not-a-key-but-secret';
  let error: unknown;
  try {
    loadConfig({ MTS_IDA_CONCURRENCY: '0', MTS_DATA_KEY: secret, MTS_QUEUE_BACKEND: 'postgres', MTS_POD_ID: 'x' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems.join('\n');
  for (const name of ['MTS_IDA_CONCURRENCY', 'MTS_DATA_KEY', 'MTS_QUEUE_POSTGRES_URL', 'MTS_POD_ID']) expect(problems).toContain(name);
  expect((error as Error).message).not.toContain(secret);
});

test('the authenticator settings are checked at start-up; the error names the missing environment variables', () => {
  const { TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY: _key, TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD: _pw, ...partial } = PARTNER;
  let error: unknown;
  try {
    loadWithEnv({ ...partial, MTS_POD_ID: 'x' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const problems = (error as ConfigError).problems;
  expect(problems).toEqual(
    expect.arrayContaining([
      'TOKENSEEDER_MOSIP_AUTH__PARTNER_APIKEY is required',
      'TOKENSEEDER_CRYPTO_SIGNATURE__SIGN_P12_FILE_PASSWORD is required',
      expect.stringMatching(/^MTS_POD_ID: /),
    ]),
  );
  expect(problems.join('\n')).not.toMatch(/\b(apiKey|signP12Password)\b/);
  expect((error as Error).message).not.toContain(PARTNER.TOKENSEEDER_MOSIP_AUTH__PARTNER_MISP_LK);
  expect(() => loadWithEnv({})).toThrow(/TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL is required/);
});

test('the parsed partner settings are in the config, frozen', () => {
  const c = loadConfig({});
  expect(c.authenticator).toMatchObject({ partnerId: 'mpartner-test', signP12Path: '/nonexistent/partner.p12' });
  expect(Object.isFrozen(c.authenticator)).toBe(true);
});

test('the health and metrics server is off unless MTS_WORKER_HTTP_PORT is set', () => {
  expect(loadConfig({}).http).toBeNull();
  expect(loadConfig({ MTS_WORKER_HTTP_PORT: '9464' }).http).toEqual({ port: 9464, host: '0.0.0.0' });
  expect(loadConfig({ MTS_WORKER_HTTP_PORT: '9464', MTS_WORKER_HTTP_HOST: '127.0.0.1' }).http).toEqual({ port: 9464, host: '127.0.0.1' });
  expect(() => loadConfig({ MTS_WORKER_HTTP_PORT: '70000' })).toThrow(/MTS_WORKER_HTTP_PORT/);
});

test('IDA concurrency: adaptive by default; MTS_IDA_CONCURRENCY alone fixes it as before; bounds are checked', () => {
  const adaptive = loadConfig({});
  expect(adaptive.authenticator.maxSockets).toBe(256); // a socket per call at the highest limit
  expect(loadConfig({ MTS_IDA_CONCURRENCY: '16' })).toMatchObject({ idaConcurrencyMode: 'fixed', idaConcurrency: 16, idaConcurrencyMin: 16, idaConcurrencyMax: 16 });
  expect(loadConfig({ MTS_IDA_CONCURRENCY: '16' }).authenticator.maxSockets).toBe(64);
  expect(loadConfig({ MTS_IDA_CONCURRENCY_MODE: 'fixed' })).toMatchObject({ idaConcurrencyMode: 'fixed', idaConcurrency: 48 });
  expect(loadConfig({ MTS_IDA_CONCURRENCY_MODE: 'adaptive', MTS_IDA_CONCURRENCY: '20', MTS_IDA_CONCURRENCY_MIN: '4', MTS_IDA_CONCURRENCY_MAX: '40' })).toMatchObject({
    idaConcurrencyMode: 'adaptive', idaConcurrency: 20, idaConcurrencyMin: 4, idaConcurrencyMax: 40,
  });
  // The default start (48) is brought within bounds that exclude it.
  expect(loadConfig({ MTS_IDA_CONCURRENCY_MAX: '32' })).toMatchObject({ idaConcurrency: 32, idaConcurrencyMax: 32 });

  const problemsOf = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };
  expect(problemsOf({ MTS_IDA_CONCURRENCY_MIN: '64', MTS_IDA_CONCURRENCY_MAX: '32' })).toEqual(['MTS_IDA_CONCURRENCY_MIN: must be <= MTS_IDA_CONCURRENCY_MAX']);
  expect(problemsOf({ MTS_IDA_CONCURRENCY_MODE: 'adaptive', MTS_IDA_CONCURRENCY: '300' })).toEqual([expect.stringMatching(/^MTS_IDA_CONCURRENCY: in adaptive mode/)]);
  expect(problemsOf({ MTS_IDA_CONCURRENCY: '16', MTS_IDA_CONCURRENCY_MAX: '64' })).toEqual([expect.stringMatching(/^MTS_IDA_CONCURRENCY_MAX: applies to MTS_IDA_CONCURRENCY_MODE=adaptive only/)]);
  expect(problemsOf({ MTS_IDA_CONCURRENCY_MODE: 'sometimes', MTS_IDA_CONCURRENCY_MIN: '0' })).toEqual([
    expect.stringMatching(/^MTS_IDA_CONCURRENCY_MODE: /), expect.stringMatching(/^MTS_IDA_CONCURRENCY_MIN: /),
  ]);
  expect(problemsOf({ TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: '100' })).toEqual([
    'TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: must be >= MTS_IDA_CONCURRENCY_MAX (one connection per call in flight)',
  ]);
  expect(loadConfig({ TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: '100', MTS_IDA_CONCURRENCY_MAX: '100' }).authenticator.maxSockets).toBe(100);
});

describe('MTS_WORKER_PROCESSES', () => {
  test('auto (the default) is one per usable core; a number is taken as it is', () => {
    const cpus = Math.min(usableCpus(), 8); // 8: the default MTS_IDA_CONCURRENCY_MIN caps auto
    expect(loadConfig({}).workerProcesses).toBe(cpus);
    expect(loadConfig({ MTS_WORKER_PROCESSES: 'auto' }).workerProcesses).toBe(cpus);
    // Empty is unset, as for every setting.
    expect(loadConfig({ MTS_WORKER_PROCESSES: '' }).workerProcesses).toBe(cpus);
    expect(loadConfig({ MTS_WORKER_PROCESSES: '3' })).toMatchObject({ workerProcesses: 3, supervised: null, idaConcurrency: 48 });
  });

  test.each(['0', '-1', '1.5', 'two', 'AUTO', '257'])('%j is refused, naming the variable', (value) => {
    expect(() => loadConfig({ MTS_WORKER_PROCESSES: value })).toThrow(/MTS_WORKER_PROCESSES/);
  });

  test('a supervised child runs one process with its share of MTS_IDA_CONCURRENCY and its own port', () => {
    const child = (index: number, of: number, extra: Record<string, string> = {}) =>
      loadConfig({ MTS_WORKER_PROCESSES: String(of), MTS_IDA_CONCURRENCY: '10', MTS_WORKER_HTTP_PORT: '9464', MTS_WORKER_CHILD: `${index}/${of}`, ...extra });
    expect(child(1, 4)).toMatchObject({ workerProcesses: 1, supervised: { index: 1, of: 4 }, idaConcurrency: 3, http: { port: 9464 } });
    // 10 over 4: 3, 3, 2, 2 — exactly the total.
    expect(child(2, 4)).toMatchObject({ idaConcurrency: 3 });
    expect(child(3, 4)).toMatchObject({ idaConcurrency: 2 });
    expect(child(4, 4)).toMatchObject({ idaConcurrency: 2, http: { port: 9467 } });
    expect(child(2, 2)).toMatchObject({ idaConcurrency: 5, http: { port: 9465 } });
    // Port 0: each child a free port of its own.
    expect(child(2, 2, { MTS_WORKER_HTTP_PORT: '0' }).http).toEqual({ port: 0, host: '0.0.0.0' });
    expect(child(2, 2, { MTS_WORKER_HTTP_PORT: '' }).http).toBeNull();
  });

  test('in adaptive mode a supervised child takes its share of the start and of both bounds', () => {
    const child = loadConfig({ MTS_WORKER_PROCESSES: '2', MTS_WORKER_CHILD: '2/2', MTS_IDA_CONCURRENCY_MIN: '9', MTS_IDA_CONCURRENCY_MAX: '100' });
    expect(child).toMatchObject({ idaConcurrencyMode: 'adaptive', idaConcurrency: 24, idaConcurrencyMin: 4, idaConcurrencyMax: 50 });
    const first = loadConfig({ MTS_WORKER_PROCESSES: '2', MTS_WORKER_CHILD: '1/2', MTS_IDA_CONCURRENCY_MIN: '9', MTS_IDA_CONCURRENCY_MAX: '100' });
    expect(first).toMatchObject({ idaConcurrencyMin: 5, idaConcurrencyMax: 50 });
    const fixed = loadConfig({ MTS_WORKER_PROCESSES: '4', MTS_WORKER_CHILD: '1/4', MTS_IDA_CONCURRENCY: '48' });
    expect(fixed).toMatchObject({ idaConcurrencyMode: 'fixed', idaConcurrency: 12, idaConcurrencyMin: 12, idaConcurrencyMax: 12 });
  });

  test('the shares add up to the total exactly and differ by at most one', () => {
    for (const [total, n] of [[48, 2], [48, 5], [3, 3], [7, 7], [1024, 3], [10, 4]] as const) {
      const shares = Array.from({ length: n }, (_, i) => idaShare(total, n, i + 1));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
    expect(idaShare(48, 1)).toBe(48);
  });

  test('more processes than the smallest total: refused when asked for, fewer when auto', () => {
    expect(() => loadConfig({ MTS_WORKER_PROCESSES: '9', MTS_IDA_CONCURRENCY: '8' })).toThrow(/MTS_WORKER_PROCESSES: 9 processes cannot share MTS_IDA_CONCURRENCY=8/);
    expect(() => loadConfig({ MTS_WORKER_PROCESSES: '9' })).toThrow(/cannot share MTS_IDA_CONCURRENCY_MIN=8/);
    expect(loadConfig({ MTS_WORKER_PROCESSES: '2', MTS_IDA_CONCURRENCY: '2' }).workerProcesses).toBe(2);
    // auto never asks for more processes than the minimum allows.
    expect(loadConfig({ MTS_IDA_CONCURRENCY: '1' }).workerProcesses).toBe(1);
  });

  test('each process checks the connection pool against its own share, not the worker total', () => {
    // 256 over 4 processes: 64 each, so a pool of 64 sockets per process is enough.
    expect(loadConfig({ MTS_WORKER_PROCESSES: '4', TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: '64' }).workerProcesses).toBe(4);
    expect(() => loadConfig({ MTS_WORKER_PROCESSES: '2', TOKENSEEDER_MOSIP_AUTH_SERVER__MAX_SOCKETS: '64' })).toThrow(/MAX_SOCKETS: must be >= MTS_IDA_CONCURRENCY_MAX/);
  });

  test('usable CPUs follow a cgroup quota (v2 and v1) below the affinity count, and ignore none or max', () => {
    const { availableParallelism } = jest.requireActual<typeof import('node:os')>('node:os');
    const files = (map: Record<string, string>) => (path: string) => {
      if (path in map) return map[path]!;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '100000 100000\n' }))).toBe(1);
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu.max': '150000 100000' }))).toBe(Math.min(2, availableParallelism()));
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu.max': 'max 100000' }))).toBe(availableParallelism());
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '50000', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }))).toBe(1);
    expect(usableCpus(files({ '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000' }))).toBe(availableParallelism());
    expect(usableCpus(files({}))).toBe(availableParallelism());
  });

  test('a bad child marker or a last child port past 65535 is a start-up problem', () => {
    for (const marker of ['3/2', '0/2', 'x', '1']) {
      expect(() => loadConfig({ MTS_WORKER_CHILD: marker })).toThrow(/MTS_WORKER_CHILD/);
    }
    expect(() => loadConfig({ MTS_WORKER_PROCESSES: '4', MTS_WORKER_HTTP_PORT: '65534' })).toThrow(/MTS_WORKER_HTTP_PORT: with MTS_WORKER_PROCESSES=4/);
    expect(loadConfig({ MTS_WORKER_PROCESSES: '2', MTS_WORKER_HTTP_PORT: '65534' }).http?.port).toBe(65534);
  });
});
