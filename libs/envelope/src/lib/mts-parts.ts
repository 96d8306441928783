import { callbackPropertiesSchema, odkConfigSchema } from './envelope-schemas.js';
import { checkCallbackProperties, checkCsvDelimiter, checkCsvHeader, checkOdkConfig, issue } from './envelope-rules.js';
import type { DeliveryEnvelopePart, EnvelopeIssue, InputEnvelopePart } from './parts.js';

const one = (i: EnvelopeIssue | null): readonly EnvelopeIssue[] => (i ? [i] : []);
const authdataMissing = () => [issue('ATS-REQ-102', 'invalid input. authdata missing')];

/** POST authtoken/json: the records in `request.authdata`, a non-empty array of objects. */
export const jsonInput: InputEnvelopePart<'json'> = {
  kind: 'json',
  key: 'authdata',
  schema: { type: ['array', 'null'], items: { type: 'object' } },
  rule: (data) => (data === undefined || data === null || (Array.isArray(data) && data.length === 0) ? authdataMissing() : []),
};

/** POST authtoken/csv: the envelope is the multipart `request` field (JSON text); the records are the upload. */
export const csvInput: InputEnvelopePart<'csv'> = {
  kind: 'csv',
  key: 'csvDelimiter',
  schema: { type: 'string', default: ',' },
  jsonText: true,
  // The part owns csvDelimiter; csvHeader (ours) rides along, checked here from the whole request.
  check: (delimiter, request) => one(checkCsvDelimiter(delimiter) ?? checkCsvHeader((request as { csvHeader?: unknown } | undefined)?.csvHeader)),
};

/** POST authtoken/odk: where to pull the records from; ATS-REQ-018..022 once the shape is right. */
export const odkInput: InputEnvelopePart<'odk'> = {
  kind: 'odk',
  key: 'odkconfig',
  schema: odkConfigSchema,
  required: true,
  check: (odk, _request, options) => one(checkOdkConfig(odk, options.odkCodes ?? 'mts')),
};

/** POST authtoken/json in sync mode (`sync_operation_mode`): one record, answered inline. */
export const syncInput: InputEnvelopePart<'sync'> = {
  kind: 'sync',
  key: 'authdata',
  schema: { type: ['object', 'null'] },
  inline: true,
  rule: (data) => (data === undefined || data === null ? authdataMissing() : []),
};

/** `deliverytype: download`: the output is fetched with GET authtoken/file/{id}; nothing to declare. */
export const downloadDelivery: DeliveryEnvelopePart = { deliverytype: 'download' };

/** `deliverytype: callback`: the output is sent to `callbackProperties` (ATS-REQ-024..034). */
export const callbackDelivery: DeliveryEnvelopePart = {
  deliverytype: 'callback',
  key: 'callbackProperties',
  schema: callbackPropertiesSchema,
  rule: (props, request) => one(checkCallbackProperties(props, request.output)),
};

/** MTS's input kinds: its three endpoints and sync mode. */
export type EnvelopeKind = 'json' | 'csv' | 'odk' | 'sync';

/** MTS's input sources, by kind. */
export const MTS_INPUTS: readonly InputEnvelopePart<EnvelopeKind>[] = Object.freeze([jsonInput, csvInput, odkInput, syncInput]);

/** MTS's deliveries, in the order `deliverytype`'s enum lists them. */
export const MTS_DELIVERIES: readonly DeliveryEnvelopePart[] = Object.freeze([downloadDelivery, callbackDelivery]);
