/**
 * JSON Schemas (draft-07, for ajv and the API's OpenAPI document) of MTS 1.1.0's request envelopes.
 *
 * They describe shape only. MTS's 400 checks (requesttime format, output/deliverytype values, jq, callback and ODK
 * rules) are separate steps in `validateEnvelope`, because MTS reports them with their own codes and before schema
 * errors. Unknown properties are allowed, as MTS ignores them.
 */
type JsonSchema = Record<string, unknown>;

const str = { type: 'string' } as const;
const optStr = { type: ['string', 'null'] } as const;
const url = { type: 'string', format: 'uri' } as const;

export const mappingSchema: JsonSchema = {
  type: 'object',
  description: 'Paths into each record; omitted keys keep defaults. name/fullAddress: a list of paths (a single path is accepted too).',
  properties: {
    vid: { ...str, default: 'vid' },
    name: { type: ['array', 'string'], items: str, default: ['name'] },
    gender: { ...str, default: 'gender' },
    dob: { ...str, default: 'dob' },
    phoneNumber: { ...str, default: 'phoneNumber' },
    emailId: { ...str, default: 'emailId' },
    fullAddress: { type: ['array', 'string'], items: str, default: ['fullAddress'] },
  },
};

const headers = { type: 'object', additionalProperties: { type: 'string' } } as const;

export const callbackPropertiesSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['url'],
  properties: {
    url,
    httpMethod: { ...str, default: 'POST' },
    extraHeaders: { ...headers, default: {} },
    timeoutSeconds: { type: 'number', minimum: 0, default: 10 },
    callInBulk: { type: 'boolean', default: false },
    requestFileName: { ...str, default: '' },
    authType: { enum: ['none', 'staticBearer', 'oauth', 'odoo'], default: 'none' },
    authOdoo: {
      type: ['object', 'null'],
      required: ['password'],
      properties: { authUrl: { type: ['string', 'null'], format: 'uri' }, database: str, username: str, password: str, extraHeaders: headers },
    },
    authOauth: {
      type: ['object', 'null'],
      properties: {
        authUrl: { type: ['string', 'null'], format: 'uri' },
        username: str,
        password: str,
        clientId: str,
        clientSecret: str,
        extraHeaders: headers,
      },
    },
    authStaticBearer: { type: ['object', 'null'], properties: { token: str } },
  },
};

export const odkConfigSchema: JsonSchema = {
  type: 'object',
  description: 'baseurl, email and password are required (empty or missing: ATS-REQ-018..020); odataurl or projectid+formid.',
  properties: {
    baseurl: optStr,
    version: { ...optStr, default: 'v1' },
    odataurl: optStr,
    projectid: optStr,
    formid: optStr,
    email: optStr,
    password: optStr,
    startdate: optStr,
    enddate: optStr,
  },
};

/** Fields common to the json, csv and odk `request` objects. */
const baseRequestProperties = {
  output: { enum: ['json', 'csv'] },
  deliverytype: { enum: ['download', 'callback'] },
  mapping: mappingSchema,
  lang: { ...optStr, description: 'default: the configured language (eng)' },
  outputFormat: {
    description: 'a jq expression over {input, output}; false, null or "" for the default record',
    anyOf: [str, { enum: [false, null] }],
  },
  callbackProperties: { description: 'required, and checked, only when deliverytype is callback' },
};

// callbackProperties is only read when deliverytype is callback; MTS ignores it otherwise.
const callbackOnlyWhenUsed = {
  if: { required: ['deliverytype'], properties: { deliverytype: { const: 'callback' } } },
  then: { properties: { callbackProperties: callbackPropertiesSchema } },
};

function envelope(request: JsonSchema): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['id', 'version', 'metadata', 'requesttime', 'request'],
    properties: {
      id: str,
      version: str,
      metadata: { type: ['string', 'object'], description: 'MTS requires a string; an object is accepted too' },
      requesttime: { ...str, description: 'YYYY-MM-DDTHH:MM:SS.fffZ, fraction mandatory (else 400 ATS-REQ-102)', examples: ['2024-05-01T10:20:30.123Z'] },
      request,
    },
  };
}

/** POST authtoken/json */
export const jsonEnvelopeSchema: JsonSchema = envelope({
  type: 'object',
  required: ['output', 'deliverytype'],
  properties: { ...baseRequestProperties, authdata: { type: ['array', 'null'], items: { type: 'object' } } },
  ...callbackOnlyWhenUsed,
});

/** POST authtoken/csv: the `request` form field, parsed as JSON. */
export const csvEnvelopeSchema: JsonSchema = envelope({
  type: 'object',
  required: ['output', 'deliverytype'],
  properties: { ...baseRequestProperties, csvDelimiter: { ...str, default: ',' } },
  ...callbackOnlyWhenUsed,
});

/** POST authtoken/odk */
export const odkEnvelopeSchema: JsonSchema = envelope({
  type: 'object',
  required: ['output', 'deliverytype', 'odkconfig'],
  properties: { ...baseRequestProperties, odkconfig: odkConfigSchema },
  ...callbackOnlyWhenUsed,
});

/** POST authtoken/json in sync mode (`sync_operation_mode`): one record, answered inline. */
export const syncEnvelopeSchema: JsonSchema = envelope({
  type: 'object',
  properties: { mapping: mappingSchema, lang: optStr, authdata: { type: ['object', 'null'] } },
});

export type EnvelopeKind = 'json' | 'csv' | 'odk' | 'sync';

export const ENVELOPE_SCHEMAS: Readonly<Record<EnvelopeKind, JsonSchema>> = Object.freeze({
  json: jsonEnvelopeSchema,
  csv: csvEnvelopeSchema,
  odk: odkEnvelopeSchema,
  sync: syncEnvelopeSchema,
});
