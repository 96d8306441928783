// The settings both apps read come from one schema (@mts/service-kit): the same environment gives the same values.
import { loadConfig as loadWorkerConfig } from '@mts/worker';
import { SYNTHETIC_PARTNER_ENV } from '@mts/testing';
import { ConfigError, loadConfig } from '../src/config.js';

const SHARED = ['dataDir', 'storePath', 'dataKey', 'dataKeyFile', 'previousDataKeys', 'podId', 'defaultLang', 'mandatoryFields', 'logLevel'] as const;
const pick = (c: Record<string, unknown>) => Object.fromEntries(SHARED.map((k) => [k, c[k]]));

test('"name, gender" (a space after the comma, as MTS accepts) gives the same list in the API and the worker', () => {
  const env = { ...SYNTHETIC_PARTNER_ENV, TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name, gender' };
  const api = loadConfig(env);
  const worker = loadWorkerConfig(env);
  expect(api.mandatoryFields).toEqual(['name', 'gender']);
  expect(worker.mandatoryFields).toEqual(['name', 'gender']);
});

test('every shared setting has the same value in both apps', () => {
  const env = {
    ...SYNTHETIC_PARTNER_ENV,
    TOKENSEEDER_ROOT__DATA_DIR: '/srv/mts',
    MTS_DATA_KEY: Buffer.alloc(32, 3).toString('base64'),
    MTS_DATA_KEY_PREVIOUS: Buffer.alloc(32, 4).toString('base64'),
    MTS_POD_ID: '42',
    TOKENSEEDER_ROOT__DEFAULT_LANG_CODE: 'ara',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,dob ,fullAddress',
    TOKENSEEDER_LOGGING__LOGLEVEL: 'WARN',
  };
  const api = pick(loadConfig(env) as never);
  expect(pick(loadWorkerConfig(env) as never)).toEqual(api);
  expect(api).toMatchObject({ dataDir: '/srv/mts', podId: '42', defaultLang: 'ara', mandatoryFields: ['name', 'dob', 'fullAddress'], logLevel: 'warn' });
});

test('a bad shared setting stops both apps, naming the same variable', () => {
  const env = { ...SYNTHETIC_PARTNER_ENV, TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name;gender' };
  const problems = (load: () => unknown) => {
    try {
      load();
    } catch (e) {
      return (e as ConfigError).problems;
    }
    return [];
  };
  const fromApi = problems(() => loadConfig(env));
  expect(fromApi).toEqual([expect.stringMatching(/^TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: /)]);
  expect(problems(() => loadWorkerConfig(env))).toEqual(fromApi);
});
