import { Ajv } from 'ajv';
import { describeSettingErrors, readEnvSettings } from './env-settings.js';

const names = { port: ['PORT', 'TOKENSEEDER_PORT'], logLevel: ['MTS_LOG_LEVEL'], url: ['MTS_URL'] } as const;

describe('readEnvSettings', () => {
  it('takes the first non-empty name, lower-cases the log level and leaves unset keys out', () => {
    expect(readEnvSettings(names, { PORT: '', TOKENSEEDER_PORT: '9000', MTS_LOG_LEVEL: 'DEBUG' })).toEqual({ port: '9000', logLevel: 'debug' });
  });
});

describe('describeSettingErrors', () => {
  it('names the variable of every bad or missing setting without echoing values', () => {
    const validate = new Ajv({ allErrors: true, coerceTypes: true }).compile({
      type: 'object',
      required: ['url'],
      properties: { port: { type: 'integer' }, url: { type: 'string' } },
    });
    expect(validate({ port: 's3cret-value' })).toBe(false);
    const problems = describeSettingErrors(validate.errors, names);
    expect(problems).toEqual(expect.arrayContaining(['PORT: must be integer', "MTS_URL: must have required property 'url'"]));
    expect(problems.join(' ')).not.toContain('s3cret-value');
  });
});
