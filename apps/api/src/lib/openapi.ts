import { AUTH_FIELDS } from './routes/query-routes.js';
import { asSchemaObject, COMMON_ERRORS, components, json, wrap } from './openapi-components.js';

/** JSON Schemas of the request envelopes, by kind (normally `@mts/envelope`'s). */
export type EnvelopeSchemas = Partial<Record<'json' | 'csv' | 'odk' | 'sync' | 'sheets' | 'formio' | 'vc', object>>;

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** MTS's sync_operation_mode: POST authtoken/json is the synchronous call. */
  syncOperationMode?: boolean;
  /** Caller authentication is on: authtoken/* needs ApiKey or OidcBearer (off: either is optional). */
  callerAuth?: boolean;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorReply = (description: string) => json(ref('ErrorEnvelope'), description);
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 36, maxLength: 36 } };
const accepted = {
  200: json(ref('Accepted'), 'Accepted (also ATS-REQ-101 with request_identifier)'),
  400: errorReply('ATS-REQ-* validation error (e.g. websubProperties ATS-REQ-070…079, sftpProperties ATS-REQ-080…089)'),
  413: errorReply('ATS-REQ-105: body or upload over the size limit'),
  422: errorReply('ATS-REQ-102: schema error, one per problem'),
  500: errorReply('ATS-REQ-100: unknown error'),
};
const envelopeBody = (schema: object) => ({ required: true, content: { 'application/json': { schema: asSchemaObject(schema) } } });
const generic = { type: 'object', required: ['id', 'version', 'requesttime', 'metadata', 'request'] };

const VCS_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: { type: 'object', description: 'a MOSIP VC (W3C VC 1.1 JSON-LD with credentialSubject.UIN or VID)' },
  description: 'The VCs, streamed like authdata; or send the envelope as the multipart field request with a vc_file',
};

/** The vc envelope with `request.vcs` documented (the JSON intake takes it out of the envelope before validating it). */
function withVcs(schema: object): object {
  const envelope = asSchemaObject(schema) as { properties?: { request?: { properties?: object } } };
  const request = envelope.properties?.request;
  if (!request) return envelope;
  return { ...envelope, properties: { ...envelope.properties, request: { ...request, properties: { ...request.properties, vcs: VCS_SCHEMA } } } };
}

const multipart = (file: string, fileDescription: string, requestDescription: string) => ({
  'multipart/form-data': {
    schema: {
      type: 'object',
      required: ['request', file],
      properties: {
        request: { type: 'string', description: requestDescription },
        [file]: { type: 'string', contentMediaType: 'application/octet-stream', description: fileDescription },
      },
    },
  },
});

/**
 * The OpenAPI 3.1 document of every endpoint: MTS's under `prefix` (e.g. `/mosiptokenseeder/`), health and
 * metrics at the root. Checked by apps/api/test/openapi.test.ts against the official 3.1 schema.
 * @example res.json(openApiDocument('/', fieldMappingSchemas()))
 */
export function openApiDocument(prefix: string, schemas: EnvelopeSchemas, options: OpenApiOptions = {}): object {
  const p = (path: string) => `${prefix}${path}`;
  const credentials = [{ ApiKey: [] }, { OidcBearer: [] }];
  const secured = { security: options.callerAuth ? credentials : [{}, ...credentials] };
  const open = { security: [{}] };
  // Every authtoken/* operation: its tag, the credentials, and the errors any of them can give.
  const op = (tag: string, operationId: string, body: { responses: object } & Record<string, unknown>) => ({
    tags: [tag],
    operationId,
    ...body,
    responses: { ...body.responses, ...COMMON_ERRORS },
    ...secured,
  });
  const submit = (operationId: string, summary: string, body: object, extra: Record<string, unknown> = {}) =>
    ({ post: op('submit', operationId, { summary, ...extra, requestBody: body, responses: accepted }) });
  const syncOp = (operationId: string) =>
    op('sync', operationId, {
      summary: 'Authenticate one record now (MTS sync mode)',
      requestBody: envelopeBody(schemas.sync ?? generic),
      responses: {
        200: json(wrap({ type: 'object', properties: { authStatus: { type: 'boolean' }, authToken: { type: 'string' } } }, '1.0'), 'IDA answer; IDA errors in errors[]'),
        400: errorReply('Invalid record (ATS-REQ-009…015) or envelope'),
        413: errorReply('ATS-REQ-105: body over the size limit'),
        422: errorReply('Schema error'),
        500: errorReply('AUT_* authenticator failure'),
        503: errorReply('ATS-REQ-106: sync not configured'),
      },
    });
  const download = (operationId: string, summary: string, ok: object, extraParams: object[] = [], extraResponses: object = {}) => ({
    get: op('query', operationId, {
      summary,
      parameters: [idParam, ...extraParams],
      responses: {
        200: ok,
        202: errorReply('ATS-REQ-017: not processed yet'),
        404: errorReply('ATS-REQ-016: unknown id (or another caller\'s, when caller authentication is on)'),
        ...extraResponses,
      },
    }),
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'Token Seeder (MOSIP Token Seeder 1.1.0 compatible)',
      version: '1.1.0',
      license: { name: 'MPL-2.0', identifier: 'MPL-2.0' },
      description:
        'Bulk authentication of UIN/VID records against MOSIP IDA, returning partner-specific tokens. ' +
        'Unlike MTS, POST authtoken/odk validates odkconfig and returns at once; the ODK pull runs in the worker. ' +
        'Health and metrics are served at the root, whatever the API path prefix.',
    },
    tags: [
      { name: 'submit', description: 'Submit records (answered at once with a request_identifier; the worker does the rest)' },
      { name: 'query', description: 'Follow a request: status, output, duplicate report' },
      { name: 'sync', description: 'One record, authenticated in the call' },
      { name: 'meta', description: 'Auth fields, ping, this document' },
      { name: 'operations', description: 'Probes and Prometheus metrics (no credentials)' },
    ],
    paths: {
      [p('authtoken/json')]: options.syncOperationMode
        ? { post: syncOp('authenticateJson') }
        : submit('submitJson', 'Submit records as JSON', envelopeBody(schemas.json ?? generic)),
      [p('authtoken/csv')]: submit('submitCsv', 'Submit records as a CSV upload', {
        required: true,
        content: multipart(
          'csv_file',
          'UTF-8 CSV, header row first (request.csvHeader: false: no header; the mapping names columns "0", "1", …)',
          'The whole envelope as JSON text (request.csvDelimiter optional, default ",")',
        ),
      }),
      [p('authtoken/odk')]: submit('submitOdk', 'Pull records from ODK Central (asynchronously)', envelopeBody(schemas.odk ?? generic)),
      [p('authtoken/sheets')]: submit('submitSheets', 'Read records from a Google sheet (asynchronously)', envelopeBody(schemas.sheets ?? generic), {
        description:
          'request.sheetsconfig: { spreadsheetId, range? (A1, default the first sheet), header? (default true), valueRenderOption?, ' +
          'auth: { type: "apiKey", apiKey } | { type: "serviceAccount", clientEmail, privateKey, tokenUri? }, baseurl? }. ' +
          'Checked at once (ATS-REQ-040..048); the worker reads the sheet in row windows. A sheet that cannot be read ends the ' +
          'request processed_with_errors with the code in the status (e.g. SHEETS_PERMISSION_DENIED, SOURCE_UNREACHABLE:SHEETS_NETWORK).',
      }),
      [p('authtoken/formio')]: submit('submitFormio', 'Pull records from a Form.io form (asynchronously)', envelopeBody(schemas.formio ?? generic), {
        description:
          'formioconfig is checked at once (ATS-REQ-050..059); the worker then lists the form\'s submissions (sorted on created, ' +
          'paged) and maps each one\'s data. Drafts are skipped. Refused credentials, an unknown form or an unreachable server ' +
          'end the request processed_with_errors with errorCode (e.g. FORMIO_AUTH_FAILED, SOURCE_UNREACHABLE:FORMIO_NETWORK).',
      }),
      [p('authtoken/vc')]: submit(
        'submitVc',
        'Submit MOSIP Verifiable Credentials (request.vcs, or a multipart vc_file), optionally verifying their proofs',
        {
          required: true,
          content: {
            'application/json': { schema: withVcs(schemas.vc ?? generic) },
            ...multipart('vc_file', 'UTF-8: a JSON array of VCs, or NDJSON (one VC per line)', 'The whole envelope as JSON text (request.vcconfig optional; no request.vcs)'),
          },
        },
        {
          description:
            'request.vcconfig: { verifyProof (default false), trustedIssuers: [{ issuer?, verificationMethod, publicKeyPem | publicKeyJwk | publicKeyMultibase }] }. ' +
            'Default mapping: vid ← VID else UIN, name ← fullName, gender, dob ← dateOfBirth, phoneNumber ← phone, emailId ← email, ' +
            'fullAddress ← addressLine1..3, city, region, province, postalCode; language values are picked by lang. ' +
            'Submission codes: ATS-REQ-060 no VCs, 061 vcconfig unusable, 069 vc_file unusable or VCs sent twice. ' +
            'Per-record codes: 062 not JSON, 063 no credentialSubject, 064 no VID/UIN, 065 proof fails, 066 issuer not trusted, 067 proof type not supported, 068 context not bundled.',
        },
      ),
      [p('authtoken/sync')]: { post: syncOp('authenticateSync') },
      [p('authtoken/status/{id}')]: {
        get: op('query', 'getStatus', {
          summary: 'Request status, with record counts and an ETA',
          parameters: [idParam],
          responses: { 200: json(wrap(ref('Status')), 'Status'), 404: errorReply('ATS-REQ-016: unknown id') },
        }),
      },
      [p('authtoken/file/{id}')]: download(
        'getFile',
        'Download the output (CSV, a JSON array, or NDJSON: one record per line)',
        {
          description: 'The output, in the request\'s output format',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/json': { schema: { type: 'array', items: {} } },
            'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record per line' } },
          },
        },
        [],
        { 500: errorReply('ATS-REQ-100: the stored output is missing or damaged') },
      ),
      [p('authtoken/duplicates/{id}')]: download(
        'getDuplicates',
        'Duplicate report: the groups of input lines whose records received the same token (line numbers only, never PII)',
        {
          description: 'The groups, in order of their first line',
          content: {
            'application/json': { schema: wrap(ref('DuplicateReport')) },
            'text/csv': { schema: { type: 'string', examples: ['group,groupSize,lineNumber\n1,2,4\n1,2,9\n'] } },
          },
        },
        [{ name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] }, description: 'Default: JSON, or CSV when Accept prefers text/csv' }],
        { 400: errorReply('ATS-REQ-102: unknown format') },
      ),
      [p('authtoken/requests')]: {
        get: op('query', 'listRequests', {
          summary: "The caller's recent requests, newest first; with caller authentication off, only the requests named in ids",
          parameters: [
            { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            {
              name: 'ids',
              in: 'query',
              required: false,
              description: 'Request ids, comma-separated (1 to 100): only these are listed (unknown ones and other callers\' are left out). Required while caller authentication is off.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            200: json(wrap({ type: 'object', properties: { requests: { type: 'array', items: ref('RequestSummary') } } }), 'The requests (no PII)'),
            400: errorReply('ATS-REQ-102: limit is not a whole number from 1 to 100; ids empty, over 100, or missing while caller authentication is off'),
          },
        }),
      },
      [p('authtoken/authfields')]: {
        get: op('meta', 'getAuthFields', {
          summary: 'The fields a mapping can name',
          responses: { 200: json(wrap({ type: 'object', properties: { authfields: { type: 'array', items: { type: 'string', enum: [...AUTH_FIELDS] } } } }), 'Auth fields') },
        }),
      },
      [p('ping')]: {
        get: { tags: ['meta'], operationId: 'ping', summary: 'MTS\'s liveness text', ...open, responses: { 200: json({ type: 'string', examples: ['[0 - 0] pong'] }, 'pong') } },
      },
      [p('openapi.json')]: {
        get: { tags: ['meta'], operationId: 'getOpenApi', summary: 'This document', ...open, responses: { 200: json({ type: 'object' }, 'OpenAPI 3.1') } },
      },
      [p('docs/')]: {
        get: { tags: ['meta'], operationId: 'getDocs', summary: 'Swagger UI for this document (assets served locally)', ...open, responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } } },
      },
      '/health/live': {
        get: { tags: ['operations'], operationId: 'healthLive', summary: 'Liveness: the process answers', ...open, responses: { 200: json(ref('HealthLive'), 'Alive') } },
      },
      '/health/ready': {
        get: {
          tags: ['operations'],
          operationId: 'healthReady',
          summary: 'Readiness: the store answers a query (and IDA accepts a connection where the sync endpoint is configured)',
          ...open,
          responses: { 200: json(ref('HealthReady'), 'Ready: every check ok'), 503: json(ref('HealthReady'), 'Not ready: the failing checks name a reason code') },
        },
      },
      '/metrics': {
        get: {
          tags: ['operations'],
          operationId: 'metrics',
          summary: 'Prometheus metrics (text exposition format 0.0.4)',
          ...open,
          responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
    },
    components: components(),
  };
}
