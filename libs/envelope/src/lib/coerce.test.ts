import { coerceMtsScalars } from './coerce.js';
import { validateEnvelope } from './validate-envelope.js';

const RT = '2026-01-01T00:00:00.000Z';

test('numbers and booleans become text where pydantic 1 makes them str; the rest is left alone', () => {
  expect(coerceMtsScalars({ id: 5, version: 1.5, metadata: true, requesttime: RT, request: { lang: 5, outputFormat: 7, mapping: { vid: 1 } } })).toEqual({
    id: '5',
    version: '1.5',
    metadata: 'True',
    requesttime: RT,
    request: { lang: '5', outputFormat: '7', mapping: { vid: 1 } },
  });
  // outputFormat false means "no template", as OpenG2P's connector sends it
  expect(coerceMtsScalars({ request: { outputFormat: false } })).toEqual({ request: { outputFormat: false } });
  expect(coerceMtsScalars([1])).toEqual([1]);
  expect(coerceMtsScalars({ id: null, metadata: { a: 1 } })).toEqual({ id: null, metadata: { a: 1 } });
});

test('an MTS caller sending numbers and booleans is accepted once coerced, and was refused before', () => {
  const body = { id: 1, version: 1.1, metadata: false, requesttime: RT, request: { output: 'json', deliverytype: 'download', lang: 5, authdata: [{ vid: '1' }] } };
  expect(validateEnvelope('json', body).map((i) => i.errorCode)).toContain('ATS-REQ-102');
  expect(validateEnvelope('json', coerceMtsScalars(body))).toEqual([]);
});
