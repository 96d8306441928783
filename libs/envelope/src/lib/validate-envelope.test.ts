import { validateEnvelope, ENVELOPE_SCHEMAS } from './validate-envelope.js';
import { CALLBACK_MAX_TIMEOUT_SECONDS, checkOdkConfig, odkErrorCode } from './envelope-rules.js';
import { capSchemaIssues, MAX_SCHEMA_ISSUES } from './schema-issues.js';
import { MAX_VALUES_FOR_ALL_ERRORS } from './schema-check.js';
import { isMtsRequestTime } from './request-time.js';
import type { EnvelopeIssue } from './parts.js';

const RT = '2024-05-01T10:20:30.123Z';
const base = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: RT, request });
const jsonBody = (patch: Record<string, unknown> = {}) => base({ output: 'json', deliverytype: 'download', authdata: [{ vid: '1' }], ...patch });
const codes = (issues: EnvelopeIssue[]) => issues.map((i) => `${i.httpStatus} ${i.errorCode} ${i.errorMessage}`);
const odoo = { database: 'db', authUrl: 'http://odoo.local/web/session/authenticate', username: 'admin', password: 'pw' };

describe('isMtsRequestTime', () => {
  it.each(['2024-05-01T10:20:30.123Z', '2024-05-01T10:20:30.1Z', '2024-5-1T1:2:3.123456Z', '2024-02-29T00:00:00.000Z'])('accepts %s', (t) => {
    expect(isMtsRequestTime(t)).toBe(true);
  });
  it.each(['2024-05-01T14:15:22Z', '2024-05-01T10:20:30.1234567Z', '2024-05-01T10:20:30.123', '2024-05-01T10:20:30.123+00:00', '2023-02-29T00:00:00.000Z', '2024-13-01T00:00:00.000Z', '2024-05-01T24:00:00.000Z', '2024-05-01T10:20:60.000Z', 1714558830123, null])(
    'rejects %j',
    (t) => {
      expect(isMtsRequestTime(t)).toBe(false);
    },
  );
});

describe('validateEnvelope: accepted envelopes', () => {
  it('accepts a minimal json envelope', () => {
    expect(validateEnvelope('json', jsonBody())).toEqual([]);
  });

  it("accepts OpenG2P's json and odk envelopes (string metadata, ms requesttime, outputFormat false, odoo callback)", () => {
    const request = {
      output: 'json',
      deliverytype: 'callback',
      mapping: { vid: 'vid', name: ['given_name', 'family_name'], dob: 'birthdate', fullAddress: ['address'] },
      lang: 'eng',
      outputFormat: false,
      callbackProperties: { url: 'http://odoo.local/mosip/token', httpMethod: 'POST', timeoutSeconds: 10, callInBulk: false, authType: 'odoo', authOdoo: odoo },
    };
    expect(validateEnvelope('json', base({ ...request, authdata: [{ vid: '1', given_name: 'A' }] }))).toEqual([]);
    const odkconfig = { baseurl: 'https://odk.local', odataurl: 'https://odk.local/v1/projects/1/forms/f.svc/Submissions', projectid: '', formid: '', email: 'e@x.org', password: 'pw', startdate: '2024-01-01T00:00:00.000Z', enddate: RT };
    expect(validateEnvelope('odk', base({ ...request, odkconfig }))).toEqual([]);
  });

  it('accepts metadata as an object (documented leniency) and null/empty outputFormat', () => {
    expect(validateEnvelope('json', { ...jsonBody({ outputFormat: null }), metadata: {} })).toEqual([]);
    expect(validateEnvelope('json', jsonBody({ outputFormat: '' }))).toEqual([]);
  });

  it('ignores callbackProperties unless delivery is by callback', () => {
    expect(validateEnvelope('json', jsonBody({ callbackProperties: { url: 5 } }))).toEqual([]);
  });

  it('parses the csv request field from a string', () => {
    const body = JSON.stringify(base({ output: 'csv', deliverytype: 'download', csvDelimiter: ';' }));
    expect(validateEnvelope('csv', body)).toEqual([]);
    expect(codes(validateEnvelope('csv', '{not json'))).toEqual(['422 ATS-REQ-102 Invalid Input. Invalid JSON']);
  });

  it('accepts a sync envelope with one record', () => {
    expect(validateEnvelope('sync', base({ authdata: { vid: '1' }, lang: 'eng' }))).toEqual([]);
    expect(codes(validateEnvelope('sync', base({ lang: 'eng' })))).toEqual(['400 ATS-REQ-102 invalid input. authdata missing']);
    expect(codes(validateEnvelope('sync', base({ authdata: [{ vid: '1' }] })))).toEqual(['422 ATS-REQ-102 Invalid Input. request.authdata: value is not a valid dict']);
  });
});

describe('validateEnvelope: MTS 400 rules', () => {
  it.each([
    ['missing body', undefined, 'ATS-REQ-102 invalid input. missing request body'],
    ["the docs' requesttime without a fraction", { ...jsonBody(), requesttime: '2022-04-07T14:15:22Z' }, 'ATS-REQ-102 invalid input. requesttime is not in valid format'],
    ['null requesttime', { ...jsonBody(), requesttime: null }, 'ATS-REQ-102 invalid input. requesttime is not in valid format'],
    ['empty output', jsonBody({ output: '' }), 'ATS-REQ-102 invalid input. output type is not mentioned'],
    ['bad output', jsonBody({ output: 'xml' }), 'ATS-REQ-102 invalid input. output type is not supported'],
    ['null deliverytype', jsonBody({ deliverytype: null }), 'ATS-REQ-102 invalid input. delivery type is not mentioned'],
    ['bad deliverytype', jsonBody({ deliverytype: 'sftp' }), 'ATS-REQ-102 invalid input. delivery type is not supported'],
    ['empty authdata', jsonBody({ authdata: [] }), 'ATS-REQ-102 invalid input. authdata missing'],
    ['missing authdata', jsonBody({ authdata: undefined }), 'ATS-REQ-102 invalid input. authdata missing'],
  ])('%s', (_label, body, expected) => {
    expect(codes(validateEnvelope('json', body))).toEqual([`400 ${expected}`]);
  });

  it('a 400 rule wins over schema errors, and requesttime comes first', () => {
    const body = { ...jsonBody({ output: 'xml', mapping: { vid: 5 } }), id: 7, requesttime: 'now' };
    expect(codes(validateEnvelope('json', body))).toEqual(['400 ATS-REQ-102 invalid input. requesttime is not in valid format']);
  });

  it('compiles outputFormat with the given compiler (103)', () => {
    const compileOutputFormat = (e: string) => {
      if (e.includes('|||')) throw new Error('parse error');
      return () => null;
    };
    expect(validateEnvelope('json', jsonBody({ outputFormat: '.output' }), { compileOutputFormat })).toEqual([]);
    expect(codes(validateEnvelope('json', jsonBody({ outputFormat: '. |||' }), { compileOutputFormat }))).toEqual([
      '400 ATS-REQ-103 outputFormat is not a valid jq expression',
    ]);
  });
});

describe('validateEnvelope: callbackProperties (024–034)', () => {
  const cb = (output: string, callbackProperties: unknown) => codes(validateEnvelope('json', jsonBody({ output, deliverytype: 'callback', callbackProperties })));
  const url = 'http://cb.local/x';
  it.each([
    ['json', undefined, '400 ATS-REQ-024 callbackProperties cannot be empty for deliverytype callback'],
    ['json', {}, '400 ATS-REQ-024 callbackProperties cannot be empty for deliverytype callback'],
    ['csv', { url, callInBulk: true }, '400 ATS-REQ-025 requestFileName is not valid in callbackProperties'],
    ['csv', { url, requestFileName: 'out.csv' }, '400 ATS-REQ-026 callInBulk cannot be false for csv output'],
    ['json', { url, authType: 'basic' }, '400 ATS-REQ-027 unsupported authType in CallbackProperties'],
    ['json', { url, authType: 'odoo' }, '400 ATS-REQ-028 authOdoo cannot be empty for authType odoo'],
    ['json', { url, authType: 'oauth', authOauth: {} }, '400 ATS-REQ-029 authOauth cannot be empty for authType oauth'],
    ['json', { url, authType: 'oauth', authOauth: { authUrl: '', clientId: 'c' } }, '400 ATS-REQ-029 authUrl in authOauth cannot be empty for authType oauth'],
    [
      'json',
      { url, authType: 'oauth', authOauth: { authUrl: 'http://idp.local/token' } },
      '400 ATS-REQ-029 authOauth needs username (password grant) or clientId (client credentials) for authType oauth',
    ],
    ['json', { url, authType: 'staticBearer' }, '400 ATS-REQ-030 authStaticBearer cannot be empty for authType staticBearer'],
    ['json', { url, authType: 'odoo', authOdoo: { ...odoo, authUrl: '' } }, '400 ATS-REQ-031 authUrl in authOdoo, cannot be empty for authType odoo'],
    ['json', { url, authType: 'odoo', authOdoo: { ...odoo, username: '' } }, '400 ATS-REQ-032 username in authOdoo, cannot be empty for authType odoo'],
    ['json', { url, authType: 'odoo', authOdoo: { ...odoo, database: undefined } }, '400 ATS-REQ-033 database in authOdoo, cannot be empty for authType odoo'],
    ['json', { url, authType: 'staticBearer', authStaticBearer: { token: '' } }, '400 ATS-REQ-034 token in authStaticBearer cannot be empty for authType staticBearer'],
  ])('%s %j', (output, props, expected) => {
    expect(cb(output, props)).toEqual([expected]);
  });

  it('accepts valid csv and bearer callbacks', () => {
    expect(cb('csv', { url, requestFileName: 'out.csv', callInBulk: true })).toEqual([]);
    expect(cb('json', { url, authType: 'staticBearer', authStaticBearer: { token: 't' } })).toEqual([]);
    expect(cb('json', { url, authType: 'oauth', authOauth: { authUrl: 'http://idp.local/token', clientId: 'c', clientSecret: 's' } })).toEqual([]);
  });

  it('refuses a timeout of zero or less (every call would abort before it starts) or over an hour (400)', () => {
    const outOfRange = '400 ATS-REQ-102 invalid input. callbackProperties.timeoutSeconds must be more than 0 and at most 3600';
    for (const timeoutSeconds of [0, -1, 3600.5, 3_000_000, 1e308]) expect(cb('json', { url, timeoutSeconds })).toEqual([outOfRange]);
    expect(cb('json', { url, timeoutSeconds: 0.5 })).toEqual([]);
    expect(cb('json', { url, timeoutSeconds: CALLBACK_MAX_TIMEOUT_SECONDS })).toEqual([]);
    expect(cb('json', { url, timeoutSeconds: '10' })).toEqual(['422 ATS-REQ-102 Invalid Input. request.callbackProperties.timeoutSeconds: value is not a valid number']);
  });

  it('reports a bad callback url and an old flat odoo shape as schema errors', () => {
    expect(cb('json', { url: 'not a url' })).toEqual(['422 ATS-REQ-102 Invalid Input. request.callbackProperties.url: invalid or missing URL scheme']);
    expect(cb('json', { authType: 'odoo', database: 'db', odooAuthUrl: 'http://x' })).toEqual(['400 ATS-REQ-028 authOdoo cannot be empty for authType odoo']);
  });
});

describe('validateEnvelope: schema errors (422)', () => {
  it('reports one ATS-REQ-102 per schema error, naming fields but not values', () => {
    const body = { version: 'v', metadata: 3, requesttime: RT, request: { output: 'json', deliverytype: 'download', mapping: { vid: 5, name: [1] }, lang: 7, outputFormat: 1, authdata: ['SECRET'] } };
    const issues = validateEnvelope('json', body);
    expect(codes(issues)).toEqual([
      '422 ATS-REQ-102 Invalid Input. id: field required',
      '422 ATS-REQ-102 Invalid Input. metadata: must be string or object',
      '422 ATS-REQ-102 Invalid Input. request.mapping.vid: str type expected',
      '422 ATS-REQ-102 Invalid Input. request.mapping.name.0: str type expected',
      '422 ATS-REQ-102 Invalid Input. request.lang: str type expected',
      '422 ATS-REQ-102 Invalid Input. request.outputFormat: must be a jq expression string, false or null',
      '422 ATS-REQ-102 Invalid Input. request.authdata.0: value is not a valid dict',
    ]);
    expect(JSON.stringify(issues)).not.toContain('SECRET');
  });

  it('lists the first 100 schema issues and counts the rest in one entry', () => {
    const issues = validateEnvelope('json', jsonBody({ mapping: { name: Array.from({ length: 1000 }, (_, i) => i) } }));
    expect(issues).toHaveLength(MAX_SCHEMA_ISSUES + 1);
    expect(codes(issues.slice(0, 2))).toEqual([
      '422 ATS-REQ-102 Invalid Input. request.mapping.name.0: str type expected',
      '422 ATS-REQ-102 Invalid Input. request.mapping.name.1: str type expected',
    ]);
    expect(codes(issues.slice(-1))).toEqual(['422 ATS-REQ-102 Invalid Input. 900 more issues not listed']);
  });

  it('checks an envelope of over 10,000 values up to its first issue only (ajv work stays bounded)', () => {
    const issues = validateEnvelope('json', jsonBody({ mapping: { name: Array.from({ length: MAX_VALUES_FOR_ALL_ERRORS }, (_, i) => i) } }));
    expect(codes(issues)).toEqual([
      '422 ATS-REQ-102 Invalid Input. request.mapping.name.0: str type expected',
      '422 ATS-REQ-102 Invalid Input. more issues may follow: an envelope of over 10000 values is checked up to its first issue',
    ]);
    expect(validateEnvelope('json', jsonBody({ mapping: { name: Array.from({ length: MAX_VALUES_FOR_ALL_ERRORS }, String) } }))).toEqual([]);
  });

  it('caps a merged list exactly, counting a summary already in it (capSchemaIssues)', () => {
    const one = (k: number) => ({ errorCode: 'ATS-REQ-102', errorMessage: `Invalid Input. x.${k}: str type expected`, httpStatus: 422 });
    const capped = capSchemaIssues(Array.from({ length: 150 }, (_, k) => one(k)), 7);
    expect(capped).toHaveLength(101);
    expect(capped[100].errorMessage).toBe('Invalid Input. 57 more issues not listed');
    expect(capSchemaIssues([one(1), ...capped], 1).at(-1)?.errorMessage).toBe('Invalid Input. 59 more issues not listed');
    expect(capSchemaIssues([one(1)])).toEqual([one(1)]);
  });

  it('reports a missing request, output and a non-object body', () => {
    expect(codes(validateEnvelope('json', { ...jsonBody(), request: undefined }))).toEqual(['422 ATS-REQ-102 Invalid Input. request: field required']);
    expect(codes(validateEnvelope('json', jsonBody({ output: undefined })))).toEqual(['422 ATS-REQ-102 Invalid Input. request.output: field required']);
    expect(codes(validateEnvelope('json', [1]))).toEqual(['422 ATS-REQ-102 Invalid Input. value is not a valid dict']);
  });

  it('accepts a single path for name/fullAddress (documented leniency) but not a number', () => {
    expect(validateEnvelope('json', jsonBody({ mapping: { name: 'full_name', fullAddress: 'addr' } }))).toEqual([]);
    expect(codes(validateEnvelope('json', jsonBody({ mapping: { name: 5 } })))).toEqual(['422 ATS-REQ-102 Invalid Input. request.mapping.name: must be array or string']);
  });
});

describe('validateEnvelope: odkconfig (018–022)', () => {
  const odkconfig = { baseurl: 'https://odk.local', email: 'e@x.org', password: 'pw', projectid: '1', formid: 'f' };
  const odk = (patch: Record<string, unknown>, options = {}) =>
    codes(validateEnvelope('odk', base({ output: 'json', deliverytype: 'download', odkconfig: { ...odkconfig, ...patch } }), options));

  it.each([
    [{ baseurl: '' }, '400 ATS-REQ-18 no odk baseurl provided'],
    [{ email: undefined }, '400 ATS-REQ-19 no email provided'],
    [{ password: null }, '400 ATS-REQ-20 no password provided'],
    [{ projectid: '' }, '400 ATS-REQ-21 no odk project id provided'],
    [{ formid: undefined }, '400 ATS-REQ-22 no odk form id provided'],
  ])('%j', (patch, expected) => {
    expect(odk(patch)).toEqual([expected]);
  });

  it('needs no project or form id when odataurl is given, and pads codes on request', () => {
    expect(odk({ projectid: '', formid: '', odataurl: 'https://odk.local/v1/projects/1/forms/f.svc/Submissions' })).toEqual([]);
    expect(odk({ baseurl: '' }, { odkCodes: 'padded' })).toEqual(['400 ATS-REQ-018 no odk baseurl provided']);
    expect([odkErrorCode(23), odkErrorCode(23, 'padded')]).toEqual(['ATS-REQ-23', 'ATS-REQ-023']);
  });

  it.each(['odk.example.org', 'file:///etc', 'ftp://odk.local', 'javascript:alert(1)', 'https://'])(
    'refuses a baseurl that is not an http(s) URL (%s) at submission, instead of ending with zero records',
    (baseurl) => {
      expect(odk({ baseurl })).toEqual(['400 ATS-REQ-18 odk baseurl must be an http or https URL']);
    },
  );

  it('accepts numeric project and form ids, as MTS (pydantic 1 turns 5 into "5")', () => {
    expect(odk({ projectid: 5, formid: 7 })).toEqual([]);
    expect(checkOdkConfig({ ...odkconfig, projectid: 5 })).toBeNull();
    expect(odk({ projectid: true })).toEqual(['422 ATS-REQ-102 Invalid Input. request.odkconfig.projectid: must be string or number']);
    expect(checkOdkConfig({ ...odkconfig, projectid: Number.NaN })?.errorCode).toBe('ATS-REQ-21');
  });

  it('checks a missing or non-object odkconfig as empty', () => {
    expect(checkOdkConfig(undefined, 'padded')?.errorCode).toBe('ATS-REQ-018');
  });

  it('reports a missing odkconfig as a schema error', () => {
    expect(codes(validateEnvelope('odk', base({ output: 'json', deliverytype: 'download' })))).toEqual(['422 ATS-REQ-102 Invalid Input. request.odkconfig: field required']);
  });
});

describe('ENVELOPE_SCHEMAS', () => {
  it('exports a draft-07 schema per kind', () => {
    for (const kind of ['json', 'csv', 'odk', 'sync'] as const) expect(ENVELOPE_SCHEMAS[kind]).toMatchObject({ type: 'object', required: expect.arrayContaining(['requesttime', 'request']) });
  });
});

describe('validateEnvelope: outputFormat without a compiler', () => {
  it('checks outputFormat for type only (undefined or null compiler): the 103 check needs one injected', () => {
    expect(validateEnvelope('json', jsonBody({ outputFormat: '{vid: .output.vid' }))).toEqual([]);
    expect(validateEnvelope('json', jsonBody({ outputFormat: '{vid: .output.vid' }), { compileOutputFormat: null })).toEqual([]);
    expect(codes(validateEnvelope('json', jsonBody({ outputFormat: 1 })))).toEqual([
      '422 ATS-REQ-102 Invalid Input. request.outputFormat: must be a jq expression string, false or null',
    ]);
  });
});

describe('validateEnvelope: MTS details', () => {
  const url = 'http://cb.local/x';
  const cb = (callbackProperties: unknown) => codes(validateEnvelope('json', jsonBody({ deliverytype: 'callback', callbackProperties })));

  it('checks an authOdoo block that is given, whatever the authType (as MTS)', () => {
    expect(cb({ url, authOdoo: { database: 'db', username: 'u', password: 'p' } })).toEqual([
      '400 ATS-REQ-031 authUrl in authOdoo, cannot be empty for authType odoo',
    ]);
  });

  it('treats an empty object as missing (Python truthiness) and null authType as unsupported', () => {
    expect(cb({ url, authType: 'odoo', authOdoo: {} })).toEqual(['400 ATS-REQ-028 authOdoo cannot be empty for authType odoo']);
    expect(cb({ url, authType: null })).toEqual(['400 ATS-REQ-027 unsupported authType in CallbackProperties']);
  });

  it('puts outputFormat (103) before callbackProperties (024), as MTS validates fields in order', () => {
    const compileOutputFormat = () => {
      throw new Error('bad');
    };
    const issues = validateEnvelope('json', jsonBody({ deliverytype: 'callback', outputFormat: '.[', callbackProperties: null }), { compileOutputFormat });
    expect(codes(issues)).toEqual(['400 ATS-REQ-103 outputFormat is not a valid jq expression']);
  });

  it('requires csv callbacks to be in bulk even when output csv comes through the csv endpoint', () => {
    const body = base({ output: 'csv', deliverytype: 'callback', callbackProperties: { url, requestFileName: 'r.csv', callInBulk: false } });
    expect(codes(validateEnvelope('csv', JSON.stringify(body)))).toEqual(['400 ATS-REQ-026 callInBulk cannot be false for csv output']);
  });

  it('reports a missing requesttime as a schema error, not a format error', () => {
    const { requesttime: _r, ...body } = jsonBody();
    expect(codes(validateEnvelope('json', body))).toEqual(['422 ATS-REQ-102 Invalid Input. requesttime: field required']);
  });
});

describe('validateEnvelope: csvDelimiter', () => {
  const csv = (csvDelimiter: unknown) => codes(validateEnvelope('csv', JSON.stringify(base({ output: 'csv', deliverytype: 'download', csvDelimiter }))));
  it.each(['', '\n', '\r', '"', '\r\n', ';"'])('refuses %j, which would cut every row into nothing', (delimiter) => {
    expect(csv(delimiter)).toEqual(['400 ATS-REQ-102 Invalid Input. csvDelimiter must be a non-empty string without a quote or a line break']);
  });
  it.each([',', ';', '\t', '|', '::'])('accepts %j', (delimiter) => {
    expect(csv(delimiter)).toEqual([]);
  });
});
