import { AUTH_FIELDS } from './routes/query-routes.js';
import { requestsListPath, SECURITY_SCHEMES } from './auth/openapi-auth.js';

/** JSON Schemas of the request envelopes, by kind (normally `@mts/envelope`'s). */
export type EnvelopeSchemas = Partial<Record<'json' | 'csv' | 'odk' | 'sync' | 'sheets' | 'formio' | 'vc', object>>;

const errorList = { type: 'array', nullable: true, items: { $ref: '#/components/schemas/Error' } };
const wrap = (response: object, version = '1.1.0') => ({
  type: 'object',
  required: ['id', 'version', 'metadata', 'responsetime', 'errors', 'response'],
  properties: {
    id: { type: 'string', enum: ['mosip.token.seeder'] },
    version: { type: 'string', example: version },
    metadata: { type: 'object' },
    responsetime: { type: 'string', example: '2026-01-01T00:00:00.000Z' },
    errors: errorList,
    response: { ...response, nullable: true },
  },
});
const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errorReply = (description: string) => json({ $ref: '#/components/schemas/ErrorEnvelope' }, description);
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 36, maxLength: 36 } };
const accepted = {
  200: json(wrap({ type: 'object', properties: { request_identifier: { type: 'string' } } }), 'Accepted (also ATS-REQ-101 with request_identifier)'),
  400: errorReply('ATS-REQ-* validation error (deliverytype websub: ATS-REQ-070…079 for websubProperties)'),
  413: errorReply('ATS-REQ-105: body or upload over the size limit'),
  422: errorReply('ATS-REQ-102: schema error, one per problem'),
  500: errorReply('ATS-REQ-100: unknown error'),
};
const envelopeBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } });

const VCS_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: { type: 'object', description: 'a MOSIP VC (W3C VC 1.1 JSON-LD with credentialSubject.UIN or VID)' },
  description: 'The VCs, streamed like authdata; or send the envelope as the multipart field request with a vc_file',
};

/** The vc envelope with `request.vcs` documented (the JSON intake takes it out of the envelope before validating it). */
function withVcs(schema: object): object {
  const envelope = schema as { properties?: { request?: { properties?: object } } };
  const request = envelope.properties?.request;
  if (!request) return schema;
  return { ...envelope, properties: { ...envelope.properties, request: { ...request, properties: { ...request.properties, vcs: VCS_SCHEMA } } } };
}

/**
 * The OpenAPI 3 document of every endpoint, paths relative to `prefix` (e.g. `/mosiptokenseeder/`).
 * @example res.json(openApiDocument('/', {}))
 */
export function openApiDocument(prefix: string, schemas: EnvelopeSchemas, options: { syncOperationMode?: boolean } = {}): object {
  const generic = { type: 'object', required: ['id', 'version', 'requesttime', 'metadata', 'request'] };
  const p = (path: string) => `${prefix}${path}`;
  const syncOp = {
    summary: 'Authenticate one record now (MTS sync mode)',
    requestBody: envelopeBody(schemas.sync ?? generic),
    responses: {
      200: json(wrap({ type: 'object', properties: { authStatus: { type: 'boolean' }, authToken: { type: 'string' } } }, '1.0'), 'IDA answer; IDA errors in errors[]'),
      400: errorReply('Invalid record (ATS-REQ-009…015) or envelope'),
      422: errorReply('Schema error'),
      500: errorReply('AUT_* authenticator failure'),
      503: errorReply('ATS-REQ-106: sync not configured'),
    },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'Token Seeder (MOSIP Token Seeder 1.1.0 compatible)',
      version: '1.1.0',
      description:
        'Bulk authentication of UIN/VID records against MOSIP IDA, returning partner-specific tokens. ' +
        'Unlike MTS, POST authtoken/odk validates odkconfig and returns at once; the ODK pull runs in the worker.',
    },
    paths: {
      [p('authtoken/json')]: {
        post: options.syncOperationMode
          ? syncOp
          : { summary: 'Submit records as JSON', requestBody: envelopeBody(schemas.json ?? generic), responses: accepted },
      },
      [p('authtoken/csv')]: {
        post: {
          summary: 'Submit records as a CSV upload',
          requestBody: {
            required: true,
            content: {
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['request', 'csv_file'],
                  properties: {
                    request: { type: 'string', description: 'The whole envelope as JSON text (request.csvDelimiter optional, default ",")' },
                    csv_file: { type: 'string', format: 'binary', description: 'UTF-8 CSV, header row first (request.csvHeader: false: no header; the mapping names columns "0", "1", …)' },
                  },
                },
              },
            },
          },
          responses: accepted,
        },
      },
      [p('authtoken/odk')]: {
        post: { summary: 'Pull records from ODK Central (asynchronously)', requestBody: envelopeBody(schemas.odk ?? generic), responses: accepted },
      },
      [p('authtoken/sheets')]: {
        post: {
          summary: 'Read records from a Google sheet (asynchronously)',
          description:
            'request.sheetsconfig: { spreadsheetId, range? (A1, default the first sheet), header? (default true), valueRenderOption?, ' +
            'auth: { type: "apiKey", apiKey } | { type: "serviceAccount", clientEmail, privateKey, tokenUri? }, baseurl? }. ' +
            'Checked at once (ATS-REQ-040..048); the worker reads the sheet in row windows. A sheet that cannot be read ends the ' +
            'request processed_with_errors with the code in the status (e.g. SHEETS_PERMISSION_DENIED, SOURCE_UNREACHABLE:SHEETS_NETWORK).',
          requestBody: envelopeBody(schemas.sheets ?? generic),
          responses: accepted,
        },
      },
      [p('authtoken/formio')]: {
        post: {
          summary: 'Pull records from a Form.io form (asynchronously)',
          description:
            'formioconfig is checked at once (ATS-REQ-050..059); the worker then lists the form\'s submissions (sorted on created, ' +
            'paged) and maps each one\'s data. Drafts are skipped. Refused credentials, an unknown form or an unreachable server ' +
            'end the request processed_with_errors with errorCode (e.g. FORMIO_AUTH_FAILED, SOURCE_UNREACHABLE:FORMIO_NETWORK).',
          requestBody: envelopeBody(schemas.formio ?? generic),
          responses: accepted,
        },
      },
      [p('authtoken/vc')]: {
        post: {
          summary: 'Submit MOSIP Verifiable Credentials (request.vcs, or a multipart vc_file), optionally verifying their proofs',
          description:
            'request.vcconfig: { verifyProof (default false), trustedIssuers: [{ issuer?, verificationMethod, publicKeyPem | publicKeyJwk | publicKeyMultibase }] }. ' +
            'Default mapping: vid ← VID else UIN, name ← fullName, gender, dob ← dateOfBirth, phoneNumber ← phone, emailId ← email, ' +
            'fullAddress ← addressLine1..3, city, region, province, postalCode; language values are picked by lang. ' +
            'Submission codes: ATS-REQ-060 no VCs, 061 vcconfig unusable, 069 vc_file unusable or VCs sent twice. ' +
            'Per-record codes: 062 not JSON, 063 no credentialSubject, 064 no VID/UIN, 065 proof fails, 066 issuer not trusted, 067 proof type not supported, 068 context not bundled.',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: withVcs(schemas.vc ?? generic) },
              'multipart/form-data': {
                schema: {
                  type: 'object',
                  required: ['request', 'vc_file'],
                  properties: {
                    request: { type: 'string', description: 'The whole envelope as JSON text (request.vcconfig optional; no request.vcs)' },
                    vc_file: { type: 'string', format: 'binary', description: 'UTF-8: a JSON array of VCs, or NDJSON (one VC per line)' },
                  },
                },
              },
            },
          },
          responses: accepted,
        },
      },
      [p('authtoken/sync')]: { post: syncOp },
      [p('authtoken/status/{id}')]: {
        get: {
          summary: 'Request status, with record counts and an ETA',
          parameters: [idParam],
          responses: { 200: json(wrap({ $ref: '#/components/schemas/Status' }), 'Status'), 404: errorReply('ATS-REQ-016: unknown id') },
        },
      },
      [p('authtoken/file/{id}')]: {
        get: {
          summary: 'Download the output (CSV or JSON array)',
          parameters: [idParam],
          responses: {
            200: { description: 'The output', content: { 'text/csv': { schema: { type: 'string' } }, 'application/json': { schema: { type: 'array', items: {} } } } },
            202: errorReply('ATS-REQ-017: not processed yet'),
            404: errorReply('ATS-REQ-016: unknown id'),
            500: errorReply('ATS-REQ-100: the stored output is missing or damaged'),
          },
        },
      },
      [p('authtoken/duplicates/{id}')]: {
        get: {
          summary: 'Duplicate report: the groups of input lines whose records received the same token (line numbers only, never PII)',
          parameters: [
            idParam,
            { name: 'format', in: 'query', required: false, schema: { type: 'string', enum: ['json', 'csv'] }, description: 'Default: JSON, or CSV when Accept prefers text/csv' },
          ],
          responses: {
            200: {
              description: 'The groups, in order of their first line',
              content: {
                'application/json': {
                  schema: wrap({
                    type: 'object',
                    properties: {
                      groups: { type: 'integer' },
                      records: { type: 'integer', description: 'Records in all groups' },
                      duplicates: {
                        type: 'array',
                        items: { type: 'object', properties: { group: { type: 'integer' }, count: { type: 'integer' }, lineNumbers: { type: 'array', items: { type: 'integer' } } } },
                      },
                    },
                  }),
                },
                'text/csv': { schema: { type: 'string', example: 'group,groupSize,lineNumber\n1,2,4\n1,2,9\n' } },
              },
            },
            202: errorReply('ATS-REQ-017: not processed yet'),
            400: errorReply('ATS-REQ-102: unknown format'),
            404: errorReply('ATS-REQ-016: unknown id'),
          },
        },
      },
      [p('authtoken/requests')]: requestsListPath(wrap),
      [p('authtoken/authfields')]: {
        get: {
          summary: 'The fields a mapping can name',
          responses: { 200: json(wrap({ type: 'object', properties: { authfields: { type: 'array', items: { type: 'string', enum: [...AUTH_FIELDS] } } } }), 'Auth fields') },
        },
      },
      [p('ping')]: { get: { summary: 'Liveness', responses: { 200: json({ type: 'string', example: '[token-seeder-0 - 0] pong' }, 'pong') } } },
    },
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: {
        Error: { type: 'object', properties: { errorCode: { type: 'string' }, errorMessage: { type: 'string' } } },
        ErrorEnvelope: wrap({ type: 'object' }),
        Status: {
          type: 'object',
          required: ['status'],
          properties: {
            status: {
              type: 'string',
              enum: ['submitted', 'submitted_with_errors', 'processing', 'processed', 'processed_with_errors', 'error_making_callback_request',
                'error_making_websub_request',
                'error_making_sftp_request',
                'error_creating_download_disk_permission_error', 'error_creating_download_disk_space_error',
                'error_creating_download_unknown_io_error', 'error_creating_download_unknown_exception'],
            },
            counts: {
              type: 'object',
              properties: { total: { type: 'integer' }, processed: { type: 'integer' }, error: { type: 'integer' }, invalid: { type: 'integer' } },
            },
            eta: { type: 'string', nullable: true, description: 'Estimated completion time' },
            errorCode: { type: 'string', description: 'Why the request ended early or with errors (a code, never PII)' },
            duplicateGroups: { type: 'integer', description: 'Groups in the duplicate report, once every record is answered' },
          },
        },
      },
    },
  };
}
