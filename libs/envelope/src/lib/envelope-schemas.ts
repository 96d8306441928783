/**
 * JSON Schemas (draft-07, for ajv and the API's OpenAPI document) of MTS 1.1.0's request envelopes.
 *
 * They describe shape only. MTS's 400 checks (requesttime format, output/deliverytype values, jq, callback and ODK
 * rules) are separate steps of the validator, because MTS reports them with their own codes and before schema
 * errors. Unknown properties are allowed, as MTS ignores them. The field schemas here are the MTS parts' own.
 */
import { CALLBACK_MAX_TIMEOUT_SECONDS } from './envelope-rules.js';
import type { DeliveryEnvelopePart, InputEnvelopePart, JsonSchema } from './parts.js';

const str = { type: 'string' } as const;
const optStr = { type: ['string', 'null'] } as const;
const url = { type: 'string', format: 'uri' } as const;
// pydantic 1 coerces a number given for a `str` field; Central's project ids are numbers, so callers send them so.
const optId = { type: ['string', 'number', 'null'] } as const;

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
    // 0 would abort every call before it starts (MTS's requests library refuses it at send time), and a huge value
    // overflows Node's timer: refused (400) by checkCallbackProperties; the bounds are here for the OpenAPI document.
    timeoutSeconds: { type: 'number', exclusiveMinimum: 0, maximum: CALLBACK_MAX_TIMEOUT_SECONDS, default: 10 },
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
  description:
    'baseurl, email and password are required (empty or missing: ATS-REQ-018..020); odataurl or projectid+formid. ' +
    'projectid and formid may be numbers (MTS turns them into strings).',
  properties: {
    baseurl: optStr,
    version: { ...optStr, default: 'v1' },
    odataurl: optStr,
    projectid: optId,
    formid: optId,
    email: optStr,
    password: optStr,
    startdate: optStr,
    enddate: optStr,
  },
};

/** The shape of an envelope: the fixed outer fields, and a `request` built from the core and the parts in use. */
export interface EnvelopeSchemaParts {
  input: InputEnvelopePart;
  deliveries: readonly DeliveryEnvelopePart[];
  outputs: readonly string[];
}

/**
 * The envelope schema of one input kind: core `request` fields (`output`, `deliverytype` from the registered
 * deliveries, `mapping`, `lang`, `outputFormat`), each delivery's field (checked only when it is the one chosen)
 * and the input's own field. An inline input (sync) has only `mapping`, `lang` and its field.
 */
export function buildEnvelopeSchema({ input, deliveries, outputs }: EnvelopeSchemaParts): JsonSchema {
  const own = input.key ? { [input.key]: input.schema ?? {} } : {};
  if (input.inline) {
    return envelope({ type: 'object', ...(input.required && input.key ? { required: [input.key] } : {}), properties: { mapping: mappingSchema, lang: optStr, ...own } });
  }
  const delivered = deliveries.filter((d): d is DeliveryEnvelopePart & { key: string } => d.key !== undefined);
  const request: JsonSchema = {
    type: 'object',
    required: ['output', 'deliverytype', ...(input.required && input.key ? [input.key] : [])],
    properties: {
      output: { enum: [...outputs] },
      deliverytype: { enum: deliveries.map((d) => d.deliverytype) },
      mapping: mappingSchema,
      lang: { ...optStr, description: 'default: the configured language (eng)' },
      outputFormat: {
        description: 'a jq expression over {input, output}; false, null or "" for the default record',
        anyOf: [str, { enum: [false, null] }],
      },
      ...Object.fromEntries(delivered.map((d) => [d.key, { description: `required, and checked, only when deliverytype is ${d.deliverytype}` }])),
      ...own,
    },
  };
  // A delivery's field is only read when it is the chosen delivery; MTS ignores it otherwise.
  const conditional = delivered
    .filter((d) => d.schema !== undefined)
    .map((d) => ({
      if: { required: ['deliverytype'], properties: { deliverytype: { const: d.deliverytype } } },
      then: { properties: { [d.key]: d.schema } },
    }));
  return envelope(conditional.length > 0 ? { ...request, allOf: conditional } : request);
}

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
