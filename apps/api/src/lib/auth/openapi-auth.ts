// The OpenAPI parts of caller authentication, kept apart from openapi.ts so that document can change on its own.

const errorReply = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } });
const counts = { type: 'object', properties: { total: { type: 'integer' }, processed: { type: 'integer' }, error: { type: 'integer' }, invalid: { type: 'integer' } } };

/** `securitySchemes` for the document's components: an API key in X-API-Key, or an OIDC access token. */
export const SECURITY_SCHEMES = {
  ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key listed (hashed) in MTS_API_KEYS_FILE' },
  Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token of MTS_OIDC_ISSUER with the audience and scope configured' },
};

/** Either credential when caller authentication is on; none when it is off (the default, as MTS). */
export const CALLER_SECURITY = [{}, { ApiKey: [] }, { Bearer: [] }];

/** The responses every authtoken/* operation may give when caller authentication is on. */
export const AUTH_RESPONSES = {
  401: errorReply('ATS-AUTH-001: no credential, or one that is not valid (with WWW-Authenticate)'),
  403: errorReply('ATS-AUTH-002: the access token lacks the required scope'),
  503: errorReply('ATS-AUTH-003: the identity provider could not be reached to check the token'),
};

/** GET authtoken/requests, as an OpenAPI path item. `wrap` puts a schema in the MTS response envelope. */
export function requestsListPath(wrap: (schema: object) => object): object {
  return {
    get: {
      summary: "The caller's recent requests, newest first (every request when caller authentication is off)",
      security: CALLER_SECURITY,
      parameters: [{ name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } }],
      responses: {
        200: {
          description: 'The requests (no PII)',
          content: {
            'application/json': {
              schema: wrap({
                type: 'object',
                properties: {
                  requests: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: {
                        requestId: { type: 'string' },
                        status: { type: 'string' },
                        inputKind: { type: 'string', enum: ['csv', 'json', 'ndjson', 'vc', 'odk', 'sheets', 'formio'] },
                        output: { type: 'string' },
                        deliverytype: { type: 'string' },
                        counts,
                        createdAt: { type: 'string', format: 'date-time' },
                        finishedAt: { type: 'string', format: 'date-time', nullable: true },
                      },
                    },
                  },
                },
              }),
            },
          },
        },
        400: errorReply('ATS-REQ-102: limit is not a whole number from 1 to 100'),
        ...AUTH_RESPONSES,
      },
    },
  };
}
