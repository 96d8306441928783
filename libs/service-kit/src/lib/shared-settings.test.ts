import { readSharedSettings } from './shared-settings.js';

test('defaults follow MTS and the one data-dir layout', () => {
  const r = readSharedSettings({ MTS_DATA_DIR: '/srv/mts' });
  expect(r).toEqual({
    ok: true,
    settings: {
      dataDir: '/srv/mts',
      storePath: '/srv/mts/seeder.sqlite',
      dataKey: undefined,
      dataKeyFile: '/srv/mts/data.key',
      previousDataKeys: [],
      podId: '00',
      defaultLang: 'eng',
      mandatoryFields: ['name', 'gender', 'dob', 'fullAddress'],
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
    MTS_DATA_KEY: key,
    MTS_DATA_KEY_PREVIOUS: `${old},${key}`,
  });
  expect(r).toMatchObject({
    ok: true,
    settings: { dataDir: '/data', mandatoryFields: ['name', 'gender'], defaultLang: 'fra', logLevel: 'debug', dataKey: key, previousDataKeys: [old, key] },
  });
});

test('every problem at once, naming the variable, never the value', () => {
  const r = readSharedSettings({ MTS_DATA_KEY: 'secret-but-not-a-key', MTS_POD_ID: '7', TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name;dob', MTS_LOG_LEVEL: 'loud' });
  expect(r.ok).toBe(false);
  const problems = r.ok ? [] : r.problems;
  expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
    ['MTS_DATA_KEY', 'MTS_LOG_LEVEL', 'MTS_POD_ID', 'TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS'],
  );
  expect(problems.join('\n')).not.toMatch(/secret-but-not-a-key|name;dob|loud/);
});

