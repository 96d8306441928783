// The reusable parts of the OpenAPI 3.1 document: schemas (JSON Schema 2020-12, the 3.1 dialect), responses,
// security schemes. Only openapi.ts imports this file.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** MTS's response envelope around `response` (null on errors), version 1.1.0 unless given. */
export function wrap(response: object, version = '1.1.0'): object {
  return {
    type: 'object',
    required: ['id', 'version', 'metadata', 'responsetime', 'errors', 'response'],
    properties: {
      id: { const: 'mosip.token.seeder' },
      version: { type: 'string', examples: [version] },
      metadata: { type: 'object' },
      responsetime: { type: 'string', format: 'date-time', examples: ['2026-01-01T00:00:00.000Z'] },
      errors: { anyOf: [{ type: 'array', items: ref('Error') }, { type: 'null' }] },
      response: { anyOf: [response, { type: 'null' }] },
    },
  };
}

export const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const errorReply = (description: string) => json(ref('ErrorEnvelope'), description);

/** Responses every authtoken/* operation may give besides its own. */
export const COMMON_ERRORS = {
  401: responseRef('Unauthenticated'),
  403: responseRef('Forbidden'),
  503: responseRef('AuthUnavailable'),
  405: responseRef('MethodNotAllowed'),
};

export const REQUEST_STATUSES = [
  'submitted', 'submitted_with_errors', 'processing', 'processed', 'processed_with_errors',
  'error_making_callback_request', 'error_making_websub_request', 'error_making_sftp_request',
  'error_creating_download_disk_permission_error', 'error_creating_download_disk_space_error',
  'error_creating_download_unknown_io_error', 'error_creating_download_unknown_exception',
];

const check = {
  type: 'object',
  required: ['name', 'ok'],
  properties: {
    name: { type: 'string', examples: ['store'] },
    ok: { type: 'boolean' },
    reason: { type: 'string', description: 'A code (e.g. STORE_UNAVAILABLE, ECONNREFUSED, TIMEOUT), never a message or secret', examples: ['ECONNREFUSED'] },
  },
};

/** `components` of the document. */
export function components(): object {
  return {
    schemas: {
      Error: {
        type: 'object',
        required: ['errorCode', 'errorMessage'],
        properties: { errorCode: { type: 'string', examples: ['ATS-REQ-016'] }, errorMessage: { type: 'string' } },
      },
      ErrorEnvelope: wrap({ type: 'object' }),
      Accepted: wrap({ type: 'object', required: ['request_identifier'], properties: { request_identifier: { type: 'string' } } }),
      Status: {
        type: 'object',
        required: ['status'],
        properties: {
          status: { type: 'string', enum: REQUEST_STATUSES },
          counts: {
            type: 'object',
            properties: { total: { type: 'integer' }, processed: { type: 'integer' }, error: { type: 'integer' }, invalid: { type: 'integer' } },
          },
          eta: { type: ['string', 'null'], description: 'Estimated completion time' },
          errorCode: { type: 'string', description: 'Why the request ended early or with errors (a code, never PII)' },
          duplicateGroups: { type: 'integer', description: 'Groups in the duplicate report, once every record is answered' },
        },
      },
      RequestSummary: {
        type: 'object',
        required: ['requestId', 'status'],
        properties: {
          requestId: { type: 'string' },
          status: { type: 'string', enum: REQUEST_STATUSES },
          inputKind: { type: 'string', enum: ['csv', 'json', 'ndjson', 'vc', 'odk', 'sheets', 'formio'] },
          output: { type: 'string', enum: ['csv', 'json', 'ndjson'] },
          deliverytype: { type: 'string' },
          counts: {
            type: 'object',
            properties: { total: { type: 'integer' }, processed: { type: 'integer' }, error: { type: 'integer' }, invalid: { type: 'integer' } },
          },
          createdAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      DuplicateReport: {
        type: 'object',
        required: ['groups', 'records', 'duplicates'],
        properties: {
          groups: { type: 'integer' },
          records: { type: 'integer', description: 'Records in all groups' },
          duplicates: {
            type: 'array',
            items: {
              type: 'object',
              required: ['group', 'count', 'lineNumbers'],
              properties: { group: { type: 'integer' }, count: { type: 'integer' }, lineNumbers: { type: 'array', items: { type: 'integer' } } },
            },
          },
        },
      },
      HealthLive: { type: 'object', required: ['status'], properties: { status: { const: 'ok' } } },
      HealthReady: {
        type: 'object',
        required: ['status', 'checks'],
        properties: { status: { enum: ['ok', 'fail'] }, checks: { type: 'array', items: check } },
      },
    },
    responses: {
      Unauthenticated: errorReply('ATS-AUTH-001: no or an invalid credential (only when caller authentication is on); with WWW-Authenticate'),
      Forbidden: errorReply('ATS-AUTH-002: the credential lacks the required scope (only when caller authentication is on); ATS-AUTH-004: a browser\'s submission from a page of another origin'),
      AuthUnavailable: errorReply('ATS-AUTH-003: the identity provider\'s keys could not be fetched, so a bearer token could not be checked'),
      MethodNotAllowed: {
        ...errorReply('ATS-REQ-107: a known path with another method'),
        headers: { Allow: { description: 'The methods the path serves', schema: { type: 'string', examples: ['POST'] } } },
      },
    },
    securitySchemes: {
      ApiKey: {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'A caller key from MTS_API_KEYS_FILE (caller authentication is off by default)',
      },
      OidcBearer: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'An OIDC access token from MTS_OIDC_ISSUER, checked against its JWKS, audience and required scope',
      },
    },
  };
}

/**
 * A request envelope schema from `@mts/envelope` (draft-07 syntax) as a 3.1 Schema Object: `$schema` goes (the
 * document's dialect, 2020-12, applies); the keywords it uses mean the same in both drafts.
 */
export function asSchemaObject(schema: object): object {
  const { $schema: _dialect, ...rest } = schema as { $schema?: unknown };
  return rest;
}
