import { readSharedSettings, storeTarget } from './shared-settings.js';

test('defaults follow MTS and the one data-dir layout', () => {
  const r = readSharedSettings({ MTS_DATA_DIR: '/srv/mts' });
  expect(r).toEqual({
    ok: true,
    settings: {
      dataDir: '/srv/mts',
      storePath: '/srv/mts/seeder.sqlite',
      database: { engine: 'sqlite', path: '/srv/mts/seeder.sqlite' },
      dataKey: undefined,
      dataKeyFile: '/srv/mts/data.key',
      dataKeyFileMustExist: false,
      previousDataKeys: [],
      podId: '00',
      defaultLang: 'eng',
      mandatoryFields: ['name', 'gender', 'dob', 'fullAddress'],
      nameDelimiter: ' ',
      addressDelimiter: ', ',
      logLevel: 'info',
    },
  });
  expect(r.ok && Object.isFrozen(r.settings) && Object.isFrozen(r.settings.mandatoryFields)).toBe(true);
});

test('MTS names are read; spaces after commas are accepted and trimmed', () => {
  const key = Buffer.alloc(32, 1).toString('base64');
  const old = Buffer.alloc(32, 2).toString('base64');
  const r = readSharedSettings({
    TOKENSEEDER_ROOT__DATA_DIR: '/data',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name, gender',
    TOKENSEEDER_ROOT__DEFAULT_LANG_CODE: 'fra',
    TOKENSEEDER_LOGGING__LOGLEVEL: 'DEBUG',
    TOKENSEEDER_ROOT__NAME_DELIMITER: '_',
    TOKENSEEDER_ROOT__FULL_ADDRESS_DELIMITER: ' / ',
    MTS_DATA_KEY: key,
    MTS_DATA_KEY_PREVIOUS: `${old},${key}`,
  });
  expect(r).toMatchObject({
    ok: true,
    settings: { dataDir: '/data', mandatoryFields: ['name', 'gender'], defaultLang: 'fra', nameDelimiter: '_', addressDelimiter: ' / ', logLevel: 'debug', dataKey: key, previousDataKeys: [old, key] },
  });
});

test('every problem at once, naming the variable, never the value', () => {
  const r = readSharedSettings({
    MTS_DATA_KEY: 'secret-but-not-a-key',
    MTS_POD_ID: '7',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name;dob',
    MTS_LOG_LEVEL: 'loud',
    TOKENSEEDER_ROOT__NAME_DELIMITER: 'a\nb',
    TOKENSEEDER_ROOT__FULL_ADDRESS_DELIMITER: 'x'.repeat(17),
  });
  expect(r.ok).toBe(false);
  const problems = r.ok ? [] : r.problems;
  expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
    ['MTS_DATA_KEY', 'MTS_LOG_LEVEL', 'MTS_POD_ID', 'TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS', 'TOKENSEEDER_ROOT__FULL_ADDRESS_DELIMITER', 'TOKENSEEDER_ROOT__NAME_DELIMITER'],
  );
  expect(problems.join('\n')).not.toMatch(/secret-but-not-a-key|name;dob|loud/);
});


test('a key file named by MTS_DATA_KEY_FILE must exist on SQLite too; only the default one is generated', () => {
  expect(readSharedSettings({ MTS_DATA_DIR: '/srv/mts' })).toMatchObject({ ok: true, settings: { dataKeyFile: '/srv/mts/data.key', dataKeyFileMustExist: false } });
  expect(readSharedSettings({ MTS_DATA_DIR: '/srv/mts', MTS_DATA_KEY_FILE: '/run/secrets/mts.key' })).toMatchObject({
    ok: true,
    settings: { database: { engine: 'sqlite' }, dataKeyFile: '/run/secrets/mts.key', dataKeyFileMustExist: true },
  });
});

describe('MTS_DATABASE_URL', () => {
  const key = Buffer.alloc(32, 3).toString('base64');

  test('a URL that does not parse is refused, naming the variable and not the value', () => {
    const r = readSharedSettings({ MTS_DATABASE_URL: 'postgres://mts:hunter2@[db/mts', MTS_DATA_KEY: key, MTS_POD_ID: 'x' });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['MTS_DATABASE_URL', 'MTS_POD_ID']);
    expect(problems.join('\n')).not.toMatch(/hunter2/);
  });

  test('selects PostgreSQL with its schema; the key file must then exist (every replica mounts it)', () => {
    const r = readSharedSettings({ MTS_DATABASE_URL: 'postgres://mts@db:5432/mts', MTS_DATABASE_SCHEMA: 'seeder', MTS_DATA_KEY_FILE: '/run/secrets/mts.key' });
    expect(r).toMatchObject({
      ok: true,
      settings: { database: { engine: 'postgres', url: 'postgres://mts@db:5432/mts', schema: 'seeder' }, dataKeyFile: '/run/secrets/mts.key', dataKeyFileMustExist: true },
    });
    expect(r.ok && storeTarget(r.settings)).toEqual({ url: 'postgres://mts@db:5432/mts', schema: 'seeder' });
  });

  test('the schema defaults to public; SQLite stays the default target', () => {
    const pg = readSharedSettings({ MTS_DATABASE_URL: 'postgresql://127.0.0.1/test', MTS_DATA_KEY: key });
    expect(pg.ok && pg.settings.database).toEqual({ engine: 'postgres', url: 'postgresql://127.0.0.1/test', schema: 'public' });
    const lite = readSharedSettings({ MTS_DATA_DIR: '/srv/mts' });
    expect(lite.ok && storeTarget(lite.settings)).toEqual({ path: '/srv/mts/seeder.sqlite' });
  });

  test('PostgreSQL without a shared key is refused, naming the variable, not the URL', () => {
    const r = readSharedSettings({ MTS_DATABASE_URL: 'postgres://mts:hunter2@db/mts' });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual([expect.stringMatching(/^MTS_DATA_KEY: required with MTS_DATABASE_URL/)]);
    expect(problems.join('\n')).not.toMatch(/hunter2/);
  });

  test('a URL that is not PostgreSQL, or a bad schema name, is refused', () => {
    const r = readSharedSettings({ MTS_DATABASE_URL: 'mysql://db/mts', MTS_DATABASE_SCHEMA: 'Drop Table', MTS_DATA_KEY: key });
    expect(r.ok ? [] : r.problems.map((p) => p.split(':')[0]).sort()).toEqual(['MTS_DATABASE_SCHEMA', 'MTS_DATABASE_URL']);
  });
});
