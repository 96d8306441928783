import { isHttpUrl, isObject, issue, truthy } from './envelope-rules.js';
import type { DeliveryEnvelopePart, EnvelopeIssue, JsonSchema } from './parts.js';

/**
 * `request.websubProperties`, required when `deliverytype` is `websub` (integrations §4; ATS-REQ-070..079 checked):
 * the output is published to a WebSub hub's topic.
 */
export interface WebsubProperties {
  /** The hub's URL, e.g. `https://websub.example.org/hub` (publish: `POST {hubUrl}?hub.mode=publish&hub.topic=…`). */
  hubUrl: string;
  /** The topic published to (url-encoded into the query). */
  topic: string;
  /** Default false: one publish per record; true: one publish of the whole output. Must be true for csv (ATS-REQ-079). */
  callInBulk?: boolean;
  /** Sent as the cookie `Authorization=<token>`, as MOSIP's hub expects. */
  authToken?: string | null;
  /** Added to every hub call; may not set Host, Content-Length, Cookie and other framing headers (ATS-REQ-075). */
  extraHeaders?: Record<string, string>;
  /** Seconds each wait for the hub may last (to connect, to take the next piece of a large body, to answer), 1…300; default 10. */
  timeoutSeconds?: number;
  /** Default true: register the topic first (`hub.mode=register`); an already registered topic is fine. */
  register?: boolean;
}

/** WebSub's own codes, as the API answers them at submission. */
export const WEBSUB_CODES = Object.freeze({
  missing: 'ATS-REQ-070',
  hubUrl: 'ATS-REQ-071',
  topic: 'ATS-REQ-072',
  timeout: 'ATS-REQ-073',
  headers: 'ATS-REQ-074',
  forbiddenHeader: 'ATS-REQ-075',
  authToken: 'ATS-REQ-076',
  type: 'ATS-REQ-077',
  unknownField: 'ATS-REQ-078',
  csvBulk: 'ATS-REQ-079',
} as const);

/** Headers a caller may not set on hub calls: framing, the hub's own routing, and the auth cookie we build. */
export const WEBSUB_FORBIDDEN_HEADERS: readonly string[] = Object.freeze([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'cookie',
  'content-type',
]);

const FIELDS = new Set(['hubUrl', 'topic', 'callInBulk', 'authToken', 'extraHeaders', 'timeoutSeconds', 'register']);
// RFC 9110 token characters for a field name; a value without control characters (no header injection).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

const headersSchema: JsonSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** JSON Schema of `websubProperties` (shape only; the rules above give the codes). */
export const websubPropertiesSchema: JsonSchema = {
  type: ['object', 'null'],
  description: 'Where to publish the output: a WebSub hub and topic (ATS-REQ-070..079).',
  required: ['hubUrl', 'topic'],
  additionalProperties: false,
  properties: {
    hubUrl: { type: 'string', format: 'uri' },
    topic: { type: 'string', minLength: 1 },
    callInBulk: { type: 'boolean', default: false },
    authToken: { type: ['string', 'null'], description: "Sent as the cookie `Authorization=<token>` (MOSIP's hub)." },
    extraHeaders: { ...headersSchema, default: {} },
    timeoutSeconds: { type: 'number', minimum: 1, maximum: 300, default: 10 },
    register: { type: 'boolean', default: true },
  },
};

/**
 * The `websubProperties` rules, in field order; the first problem, or null. A 400 with a stable code for each,
 * checked before the schema so that a wrong type gets its own code rather than a bare 422.
 *
 * @example
 * ```ts
 * checkWebsubProperties({ hubUrl: 'ftp://hub', topic: 't' }, 'json');
 * // { errorCode: 'ATS-REQ-071', errorMessage: 'hubUrl in websubProperties must be an http or https URL', httpStatus: 400 }
 * ```
 */
export function checkWebsubProperties(wp: unknown, output: unknown): EnvelopeIssue | null {
  if (!truthy(wp)) return issue(WEBSUB_CODES.missing, 'websubProperties cannot be empty for deliverytype websub');
  if (!isObject(wp)) return issue(WEBSUB_CODES.type, 'websubProperties must be an object');
  const unknown = Object.keys(wp).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) return issue(WEBSUB_CODES.unknownField, `unknown field in websubProperties: ${JSON.stringify(unknown.slice(0, 40))}`);
  if (typeof wp.hubUrl !== 'string' || !isHttpUrl(wp.hubUrl)) return issue(WEBSUB_CODES.hubUrl, 'hubUrl in websubProperties must be an http or https URL');
  if (typeof wp.topic !== 'string' || wp.topic.trim() === '') return issue(WEBSUB_CODES.topic, 'topic in websubProperties cannot be empty');
  for (const flag of ['callInBulk', 'register'] as const) {
    if (wp[flag] !== undefined && wp[flag] !== null && typeof wp[flag] !== 'boolean') return issue(WEBSUB_CODES.type, `${flag} in websubProperties must be a boolean`);
  }
  if (output === 'csv' && wp.callInBulk !== true) return issue(WEBSUB_CODES.csvBulk, 'callInBulk cannot be false for csv output');
  if (wp.authToken !== undefined && wp.authToken !== null) {
    if (typeof wp.authToken !== 'string') return issue(WEBSUB_CODES.type, 'authToken in websubProperties must be a string');
    // A cookie value: no separators or controls that would split or end the cookie.
    if (wp.authToken.trim() === '' || /[\s;,"\\\x00-\x1f\x7f]/.test(wp.authToken)) return issue(WEBSUB_CODES.authToken, 'authToken in websubProperties cannot be empty or contain spaces, ";" or ","');
  }
  if (wp.extraHeaders !== undefined && wp.extraHeaders !== null) {
    const headers = wp.extraHeaders;
    if (!isObject(headers)) return issue(WEBSUB_CODES.headers, 'extraHeaders in websubProperties must be an object of strings');
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== 'string' || !HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) return issue(WEBSUB_CODES.headers, 'extraHeaders in websubProperties must map header names to header values (strings)');
      if (WEBSUB_FORBIDDEN_HEADERS.includes(name.toLowerCase())) return issue(WEBSUB_CODES.forbiddenHeader, `extraHeaders in websubProperties may not set ${name.toLowerCase()}`);
    }
  }
  if (wp.timeoutSeconds !== undefined && wp.timeoutSeconds !== null) {
    const t = wp.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 1 || t > 300) return issue(WEBSUB_CODES.timeout, 'timeoutSeconds in websubProperties must be a number from 1 to 300');
  }
  return null;
}

/** `deliverytype: websub`: the output is published to `websubProperties.topic` at its hub (ATS-REQ-070..079). */
export const websubDelivery: DeliveryEnvelopePart = {
  deliverytype: 'websub',
  key: 'websubProperties',
  schema: websubPropertiesSchema,
  rule: (props, request) => {
    const found = checkWebsubProperties(props, request.output);
    return found ? [found] : [];
  },
};
