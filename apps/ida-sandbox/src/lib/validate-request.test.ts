import { DEFAULT_SETTINGS } from './settings.js';
import { checkIndividualId, distinctErrors, validateAuthRequest } from './validate-request.js';

const now = Date.parse('2025-06-01T10:00:00.000Z');
const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
const outer = (o: Record<string, unknown> = {}) => ({
  consentObtained: true, requestTime: at(0), transactionID: 'ABCDE12345', individualId: '1', ...o,
});
const inner = (demographics: unknown, o: Record<string, unknown> = {}) => ({ timestamp: at(0), demographics, ...o });
const codes = (o: Record<string, unknown>, i: Record<string, unknown>) =>
  validateAuthRequest(o, i, DEFAULT_SETTINGS, now).map((e) => `${e.errorCode} ${e.errorMessage}`);
const eng = (value: unknown) => [{ language: 'eng', value }];

describe('validateAuthRequest (AuthRequestValidator#validate)', () => {
  it('stops at the first failing group', () => {
    expect(codes(outer({ consentObtained: false, transactionID: 'x', env: 'nowhere' }), inner({}))).toEqual([
      "IDA-MLC-012 Individual's Consent is not available",
    ]);
    expect(codes(outer({ env: 'nowhere', transactionID: 'x' }), inner({}))).toEqual(['IDA-MLC-009 Invalid Input Parameter - request/env']);
    expect(codes(outer({ transactionID: 'x' }), inner({}))).toEqual(['IDA-MLC-009 Invalid Input Parameter - transactionID']);
  });

  it('takes any age Integer.parseInt reads (checkAge), and refuses the rest with MLC-009', () => {
    for (const age of ['35', '0', '-1', '+5', '٣٥', '2147483647', '-2147483648', 35]) expect(codes(outer(), inner({ age }))).toEqual([]);
    for (const age of ['abc', '1.5', ' 5', '+', '-', '2147483648', '-2147483649', '3 5', '𝟑𝟓']) {
      expect(codes(outer(), inner({ age }))).toEqual(['IDA-MLC-009 Invalid Input Parameter - age']);
    }
  });

  it('checks the past window only while nothing failed, the future window always', () => {
    expect(codes(outer({ requestTime: at(-120_000) }), inner({ dob: '1990/01/05' }, { timestamp: at(-120_000) }))).toEqual([
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds',
    ]);
    expect(codes(outer({ requestTime: at(-120_000) }), inner({ dob: '1990/01/05' }, { timestamp: 'x' }))).toEqual([
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds',
      'IDA-MLC-009 Invalid Input Parameter - request/timestamp',
    ]);
    expect(codes(outer({ requestTime: '' }), inner({ dob: '1990/01/05' }, { timestamp: at(120_000) }))).toEqual([
      'IDA-MLC-006 Missing Input Parameter - requestTime',
      'IDA-MLC-001 Request to be received at MOSIP within 30 seconds. Attribute: request/timestamp',
    ]);
  });

  it('answers MLC-008 when no demographic value is sent, and MLC-013 only for null list values and fullAddress mixes', () => {
    for (const d of [{}, null, { name: null, dob: null, fullAddress: null }, { name: [] }, { extra: null }, { extra: [] }]) {
      expect(codes(outer(), inner(d))).toEqual(['IDA-MLC-008 No authentication type selected']);
    }
    for (const d of [{ name: eng('') }, { dob: '' }, { extra: '' }, { extra: 0 }]) expect(codes(outer(), inner(d))).toEqual([]);
    expect(codes(outer(), inner({ name: eng(null) }))).toEqual(['IDA-MLC-013 Missing demo auth attribute']);
    for (const part of ['addressLine1', 'location2', 'postalCode']) {
      const d = { fullAddress: eng('1 Main St'), [part]: part === 'postalCode' ? '14000' : eng('x') };
      expect(codes(outer(), inner(d))).toEqual(['IDA-MLC-013 Missing demo auth attribute']);
    }
  });

  it('checks languages per distinct code: DEA-002 once, then MLC-009 for a repeat', () => {
    const xx = [{ language: 'xx', value: 'a' }, { language: 'xx', value: 'b' }];
    expect(codes(outer(), inner({ name: xx }))).toEqual([
      'IDA-DEA-002 Unsupported Language Code - request : xx',
      'IDA-MLC-009 Invalid Input Parameter - LanguageCode',
    ]);
    expect(codes(outer(), inner({ name: [{ value: 'a' }] }))).toEqual(['IDA-MLC-006 Missing Input Parameter - LanguageCode']);
  });

  it('accepts env in any case', () => {
    for (const env of ['Production', 'production', 'STAGING', 'pre-production']) expect(codes(outer({ env }), inner({ dob: '1990/01/05' }))).toEqual([]);
  });
});

describe('checkIndividualId (AuthController, IdAuthValidator#validateIdvId)', () => {
  const uin = '2345678901'; // only its type is looked at in these cases
  it('throws a failed auto-detection alone and adds the other id problems to the bean errors', () => {
    expect(checkIndividualId('123', undefined, DEFAULT_SETTINGS)).toEqual({ fatal: expect.objectContaining({ errorCode: 'IDA-MLC-009' }) });
    expect(checkIndividualId(uin, '', DEFAULT_SETTINGS)).toMatchObject({ type: null, errors: [{ errorCode: 'IDA-MLC-006' }] });
    expect(checkIndividualId('', 'UIN', DEFAULT_SETTINGS)).toMatchObject({ type: null, errors: [{ errorCode: 'IDA-MLC-006' }] });
    expect(checkIndividualId(uin, 'uin', DEFAULT_SETTINGS)).toMatchObject({ type: null, errors: [{ errorCode: 'IDA-MLC-009' }] });
    expect(checkIndividualId(uin, 'VID', { ...DEFAULT_SETTINGS, allowedIdTypes: ['UIN'] })).toMatchObject({
      type: null,
      errors: [{ errorCode: 'IDA-MLC-015' }],
    });
  });
});

it('distinctErrors keeps the first of identical items', () => {
  const a = { errorCode: 'A', errorMessage: 'm' };
  expect(distinctErrors([a, { ...a }, { errorCode: 'A', errorMessage: 'n' }, { ...a, actionMessage: 'x' }])).toEqual([
    a,
    { errorCode: 'A', errorMessage: 'n' },
    { ...a, actionMessage: 'x' },
  ]);
});
