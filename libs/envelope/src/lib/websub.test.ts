import { createEnvelopeValidator } from './create-validator.js';
import { MTS_DELIVERIES, MTS_INPUTS } from './mts-parts.js';
import { toRequestConfig } from './request-config.js';
import { websubDelivery } from './websub.js';

const { validate, schemas } = createEnvelopeValidator({ inputs: MTS_INPUTS, deliveries: [...MTS_DELIVERIES, websubDelivery] });
const hub = { hubUrl: 'http://127.0.0.1:9191/hub', topic: 'tokens/issued' };
const body = (request: Record<string, unknown>) => ({
  id: 'mosip.token.seeder',
  version: '1.0',
  metadata: '',
  requesttime: '2026-05-01T10:20:30.123Z',
  request: { output: 'json', deliverytype: 'websub', authdata: [{ vid: '1' }], ...request },
});
const codeOf = (request: Record<string, unknown>) => validate('json', body(request)).map((i) => `${i.errorCode} ${i.httpStatus}`)[0];

test('a well-formed websubProperties passes, with every optional field', () => {
  expect(validate('json', body({ websubProperties: hub }))).toEqual([]);
  const full = { ...hub, callInBulk: true, authToken: 'eyJhbGciOi.synthetic.jwt', extraHeaders: { 'X-Tenant': 'demo' }, timeoutSeconds: 300, register: false };
  expect(validate('json', body({ websubProperties: full }))).toEqual([]);
  expect(validate('json', body({ output: 'csv', websubProperties: { ...hub, callInBulk: true } }))).toEqual([]);
});

test.each([
  ['missing', {}, 'ATS-REQ-070 400'],
  ['null', { websubProperties: null }, 'ATS-REQ-070 400'],
  ['empty', { websubProperties: {} }, 'ATS-REQ-070 400'],
  ['not an object', { websubProperties: 'http://hub' }, 'ATS-REQ-077 400'],
  ['unknown field (a typo)', { websubProperties: { ...hub, callinbulk: true } }, 'ATS-REQ-078 400'],
  ['no hubUrl', { websubProperties: { topic: 't' } }, 'ATS-REQ-071 400'],
  ['hubUrl not http', { websubProperties: { ...hub, hubUrl: 'ftp://hub.example.org/hub' } }, 'ATS-REQ-071 400'],
  ['hubUrl not a URL', { websubProperties: { ...hub, hubUrl: 'hub' } }, 'ATS-REQ-071 400'],
  ['hubUrl a number', { websubProperties: { ...hub, hubUrl: 9191 } }, 'ATS-REQ-071 400'],
  ['empty topic', { websubProperties: { ...hub, topic: '  ' } }, 'ATS-REQ-072 400'],
  ['no topic', { websubProperties: { hubUrl: hub.hubUrl } }, 'ATS-REQ-072 400'],
  ['timeoutSeconds 0', { websubProperties: { ...hub, timeoutSeconds: 0 } }, 'ATS-REQ-073 400'],
  ['timeoutSeconds 301', { websubProperties: { ...hub, timeoutSeconds: 301 } }, 'ATS-REQ-073 400'],
  ['timeoutSeconds text', { websubProperties: { ...hub, timeoutSeconds: '10' } }, 'ATS-REQ-073 400'],
  ['extraHeaders an array', { websubProperties: { ...hub, extraHeaders: ['X-A: 1'] } }, 'ATS-REQ-074 400'],
  ['extraHeaders with a number', { websubProperties: { ...hub, extraHeaders: { 'X-A': 1 } } }, 'ATS-REQ-074 400'],
  ['extraHeaders with a line break', { websubProperties: { ...hub, extraHeaders: { 'X-A': 'a\r\nHost: evil' } } }, 'ATS-REQ-074 400'],
  ['extraHeaders with a bad name', { websubProperties: { ...hub, extraHeaders: { 'X A': 'a' } } }, 'ATS-REQ-074 400'],
  ['extraHeaders Host', { websubProperties: { ...hub, extraHeaders: { Host: 'evil.example.org' } } }, 'ATS-REQ-075 400'],
  ['extraHeaders Content-Length', { websubProperties: { ...hub, extraHeaders: { 'content-length': '5' } } }, 'ATS-REQ-075 400'],
  ['extraHeaders Cookie', { websubProperties: { ...hub, extraHeaders: { COOKIE: 'Authorization=x' } } }, 'ATS-REQ-075 400'],
  ['empty authToken', { websubProperties: { ...hub, authToken: '' } }, 'ATS-REQ-076 400'],
  ['authToken with a cookie separator', { websubProperties: { ...hub, authToken: 'a; admin=1' } }, 'ATS-REQ-076 400'],
  ['authToken a number', { websubProperties: { ...hub, authToken: 42 } }, 'ATS-REQ-077 400'],
  ['callInBulk text', { websubProperties: { ...hub, callInBulk: 'yes' } }, 'ATS-REQ-077 400'],
  ['register a number', { websubProperties: { ...hub, register: 1 } }, 'ATS-REQ-077 400'],
  ['csv output, per record', { output: 'csv', websubProperties: hub }, 'ATS-REQ-079 400'],
])('%s is refused with its own code', (_what, request, expected) => {
  expect(codeOf(request)).toBe(expected);
});

test('websubProperties is only read for deliverytype websub', () => {
  expect(validate('json', body({ deliverytype: 'download', websubProperties: { hubUrl: 'nonsense' } }))).toEqual([]);
});

test('the envelope schema lists websub and its properties (OpenAPI)', () => {
  const request = (schemas.json as { properties: { request: { properties: { deliverytype: { enum: string[] } }; allOf: unknown[] } } }).properties.request;
  expect(request.properties.deliverytype.enum).toContain('websub');
  expect(JSON.stringify(request.allOf)).toContain('"hubUrl"');
});

test('toRequestConfig keeps deliverytype websub and its properties', () => {
  const config = toRequestConfig({ output: 'json', deliverytype: 'websub', websubProperties: hub, authdata: [{ vid: '1' }] });
  expect(config).toMatchObject({ deliverytype: 'websub', websubProperties: hub });
  expect(toRequestConfig({ output: 'json', deliverytype: 'download' })).not.toHaveProperty('websubProperties');
});
