import type { InputEnvelopePart } from '@mts/envelope';
import { createSeedValidator, deliveryFor, DELIVERIES, sourceForStoredKind, SOURCES } from './registry.js';
import type { Delivery } from './delivery.js';
import type { InputSource } from './source.js';

const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });

test('every source and delivery is registered under the name its envelope part declares', () => {
  expect(SOURCES.map((s) => s.kind)).toEqual(['json', 'csv', 'odk', 'sheets', 'formio', 'vc']);
  for (const s of SOURCES) {
    expect(s.envelope.kind).toBe(s.kind);
    for (const stored of s.storedAs) expect(sourceForStoredKind(stored)).toBe(s);
  }
  expect(DELIVERIES.map((d) => d.deliverytype).slice(0, 2)).toEqual(['download', 'callback']);
  expect(DELIVERIES.map((d) => d.deliverytype)).toContain('websub');
  expect(DELIVERIES.map((d) => d.deliverytype)).toContain('sftp');
  for (const d of DELIVERIES) {
    expect(d.envelope.deliverytype).toBe(d.deliverytype);
    expect(deliveryFor(d.deliverytype)).toBe(d);
  }
  expect(deliveryFor('carrier-pigeon')).toBeUndefined();
  // download has nothing to send; callback sends and has MTS's failure status
  expect(deliveryFor('download')!.deliver).toBeUndefined();
  expect(deliveryFor('callback')!.failureStatus).toBe('error_making_callback_request');
  expect(deliveryFor('sftp')!.failureStatus).toBe('error_making_sftp_request');
});

test('the registry validator keeps MTS codes for the built-in parts', () => {
  const { validate } = createSeedValidator();
  expect(validate('json', envelopeOf({ output: 'json', deliverytype: 'download', authdata: [{ vid: '1' }] }))).toEqual([]);
  expect(validate('odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig: { baseurl: '', email: 'e', password: 'p' } }))[0]).toMatchObject({ errorCode: 'ATS-REQ-18', httpStatus: 400 });
  expect(validate('json', envelopeOf({ output: 'json', deliverytype: 'callback', authdata: [{ vid: '1' }] }))[0]).toMatchObject({ errorCode: 'ATS-REQ-024' });
  expect(validate('json', envelopeOf({ output: 'json', deliverytype: 'websub', authdata: [{ vid: '1' }] }))[0]).toMatchObject({ errorCode: 'ATS-REQ-070', httpStatus: 400 });
  // sync mode is validated too, though it is answered inline rather than stored
  expect(validate('sync', envelopeOf({ authdata: { vid: '1' } }))).toEqual([]);
});

test('a new source and a new delivery plug in as modules: their endpoint kind and deliverytype validate, nothing else changes', () => {
  const demoPart: InputEnvelopePart<'demo'> = {
    kind: 'demo',
    key: 'democonfig',
    required: true,
    schema: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
    check: (value) => ((value as { url: string }).url.startsWith('https://') ? [] : [{ errorCode: 'ATS-REQ-900', errorMessage: 'demo url must be https', httpStatus: 400 }]),
  };
  const demo: InputSource = { kind: 'demo', storedAs: ['odk'], envelope: demoPart, intake: { type: 'pull' }, read: async function* () {} };
  const pigeon: Delivery = {
    deliverytype: 'pigeon',
    envelope: { deliverytype: 'pigeon', key: 'pigeonProperties', schema: { type: 'object' }, rule: (v) => (v ? [] : [{ errorCode: 'ATS-REQ-901', errorMessage: 'pigeonProperties missing', httpStatus: 400 }]) },
    deliver: async () => ({ ok: true, delivered: 0 }),
  };
  const { validate } = createSeedValidator({ sources: [...SOURCES, demo], deliveries: [...DELIVERIES, pigeon] });
  expect(validate('demo', envelopeOf({ output: 'csv', deliverytype: 'download', democonfig: { url: 'https://x' } }))).toEqual([]);
  expect(validate('demo', envelopeOf({ output: 'csv', deliverytype: 'download', democonfig: { url: 'http://x' } }))[0]).toMatchObject({ errorCode: 'ATS-REQ-900' });
  expect(validate('demo', envelopeOf({ output: 'csv', deliverytype: 'download' }))[0]).toMatchObject({ errorCode: 'ATS-REQ-102', httpStatus: 422 });
  expect(validate('json', envelopeOf({ output: 'json', deliverytype: 'pigeon', authdata: [{ vid: '1' }] }))[0]).toMatchObject({ errorCode: 'ATS-REQ-901' });
  expect(validate('json', envelopeOf({ output: 'json', deliverytype: 'pigeon', authdata: [{ vid: '1' }], pigeonProperties: {} }))).toEqual([]);
  // without the module registered, the same deliverytype is refused by the schema
  expect(createSeedValidator().validate('json', envelopeOf({ output: 'json', deliverytype: 'pigeon', authdata: [{ vid: '1' }] }))[0]).toMatchObject({ errorCode: 'ATS-REQ-102' });
});
