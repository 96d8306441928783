import { createEnvelopeValidator } from './create-validator.js';
import { checkFormioConfig, formioInput, parseIsoInstant } from './formio-part.js';
import { MTS_DELIVERIES, MTS_INPUTS } from './mts-parts.js';
import { toRequestConfig } from './request-config.js';

const validator = createEnvelopeValidator({ inputs: [...MTS_INPUTS, formioInput], deliveries: MTS_DELIVERIES });
const good = { baseurl: 'https://forms.example.org/project', formPath: 'registration', auth: { type: 'login', email: 'reader@example.org', password: 'pw' } };
const envelope = (formioconfig: unknown) => ({
  id: 'x',
  version: '1',
  metadata: '',
  requesttime: '2024-05-01T10:20:30.123Z',
  request: { output: 'json', deliverytype: 'download', ...(formioconfig === undefined ? {} : { formioconfig }) },
});
const codes = (formioconfig: unknown) => validator.validate('formio', envelope(formioconfig)).map((i) => `${i.httpStatus} ${i.errorCode}`);

describe('formioconfig (ATS-REQ-050..059)', () => {
  it('accepts a login config, an API-key config, a formId, dates and a page size', () => {
    expect(codes(good)).toEqual([]);
    expect(codes({ ...good, formPath: undefined, formId: '65a000000000000000000001', auth: { type: 'apiKey', apiKey: 'k' } })).toEqual([]);
    expect(codes({ ...good, startdate: '2024-01-01', enddate: '2024-01-02T10:00:00+05:30', pageSize: 1000 })).toEqual([]);
    expect(codes({ ...good, startdate: null, enddate: '', pageSize: null })).toEqual([]);
  });

  it.each([
    ['missing', undefined, '400 ATS-REQ-050'],
    ['null', null, '400 ATS-REQ-050'],
    ['empty', {}, '400 ATS-REQ-050'],
    ['not an object', 'https://x', '422 ATS-REQ-102'],
    ['no baseurl', { ...good, baseurl: '' }, '400 ATS-REQ-051'],
    ['a baseurl without scheme', { ...good, baseurl: 'forms.example.org' }, '400 ATS-REQ-051'],
    ['an ftp baseurl', { ...good, baseurl: 'ftp://forms.example.org' }, '400 ATS-REQ-051'],
    ['a baseurl with credentials', { ...good, baseurl: 'https://u:p@forms.example.org' }, '400 ATS-REQ-051'],
    ['a baseurl with a query', { ...good, baseurl: 'https://forms.example.org/?x=1' }, '400 ATS-REQ-051'],
    ['neither formPath nor formId', { ...good, formPath: undefined }, '400 ATS-REQ-052'],
    ['both formPath and formId', { ...good, formId: 'abc' }, '400 ATS-REQ-052'],
    ['a formPath with a query', { ...good, formPath: 'reg?limit=1' }, '400 ATS-REQ-059'],
    ['a formPath with ..', { ...good, formPath: '../admin' }, '400 ATS-REQ-059'],
    ['no auth', { ...good, auth: undefined }, '400 ATS-REQ-053'],
    ['an unknown auth type', { ...good, auth: { type: 'oauth' } }, '400 ATS-REQ-053'],
    ['login without password', { ...good, auth: { type: 'login', email: 'e@example.org' } }, '400 ATS-REQ-054'],
    ['login with a blank email', { ...good, auth: { type: 'login', email: ' ', password: 'pw' } }, '400 ATS-REQ-054'],
    ['apiKey without a key', { ...good, auth: { type: 'apiKey', apiKey: '' } }, '400 ATS-REQ-055'],
    ['a startdate that is not a date', { ...good, startdate: 'yesterday' }, '400 ATS-REQ-056'],
    ['an enddate on a day that does not exist', { ...good, enddate: '2024-02-30' }, '400 ATS-REQ-056'],
    ['enddate before startdate', { ...good, startdate: '2024-02-01', enddate: '2024-01-31T23:59:59Z' }, '400 ATS-REQ-057'],
    ['enddate equal to startdate', { ...good, startdate: '2024-02-01', enddate: '2024-02-01T00:00:00Z' }, '400 ATS-REQ-057'],
    ['pageSize 0', { ...good, pageSize: 0 }, '400 ATS-REQ-058'],
    ['pageSize 1001', { ...good, pageSize: 1001 }, '400 ATS-REQ-058'],
    ['pageSize 2.5', { ...good, pageSize: 2.5 }, '400 ATS-REQ-058'],
    ['pageSize as a string', { ...good, pageSize: '10' }, '422 ATS-REQ-102'],
  ])('refuses %s', (_name, config, expected) => {
    expect(codes(config)).toEqual([expected]);
  });

  it('never quotes the credentials in its messages', () => {
    const secret = 'sup3r-secret-pw';
    for (const config of [{ ...good, baseurl: `https://u:${secret}@x.org` }, { ...good, auth: { type: 'apiKey', apiKey: '', password: secret } }]) {
      expect(JSON.stringify(validator.validate('formio', envelope(config)))).not.toContain(secret);
    }
  });

  it('is kept in the stored request config (only when given)', () => {
    expect(toRequestConfig(envelope(good).request).formioconfig).toEqual(good);
    expect('formioconfig' in toRequestConfig(envelope(undefined).request)).toBe(false);
  });

  it('checkFormioConfig is the same rule outside the validator', () => {
    expect(checkFormioConfig(good)).toBeNull();
    expect(checkFormioConfig({ ...good, pageSize: -1 })?.errorCode).toBe('ATS-REQ-058');
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2024-01-01', Date.UTC(2024, 0, 1)],
    ['2024-01-01T10:00', Date.UTC(2024, 0, 1, 10)],
    ['2024-01-01 10:00:30.5Z', Date.UTC(2024, 0, 1, 10, 0, 30, 500)],
    ['2024-01-01T10:00:00+0530', Date.UTC(2024, 0, 1, 4, 30)],
    ['2024-01-01T10:00:00-01:00', Date.UTC(2024, 0, 1, 11)],
  ])('reads %s', (text, ms) => expect(parseIsoInstant(text)).toBe(ms));

  it.each(['', '2024', '2024-13-01', '2024-02-30', '01/02/2024', '2024-01-01T25:00', 'now'])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeNaN();
  });
});
