/** An answer in Google's API error shape: `{ error: { code, message, status, details? } }`. */
export class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly status: string,
    message: string,
    readonly details?: unknown[],
  ) {
    super(message);
  }

  body(): unknown {
    return { error: { code: this.code, message: this.message, status: this.status, ...(this.details ? { details: this.details } : {}) } };
  }
}

const info = (reason: string) => [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: { service: 'sheets.googleapis.com' } }];

/** The answers the Sheets API gives in the cases the seeder meets (texts as Google sends them). */
export const googleErrors = {
  badRange: (range: string) => new GoogleError(400, 'INVALID_ARGUMENT', `Unable to parse range: ${range}`),
  gridLimits: (range: string, rows: number, cols: number) =>
    new GoogleError(400, 'INVALID_ARGUMENT', `Range (${range}) exceeds grid limits. Max rows: ${rows}, max columns: ${cols}`),
  badParameter: (name: string) => new GoogleError(400, 'INVALID_ARGUMENT', `Invalid value at '${name}'`),
  apiKeyInvalid: () => new GoogleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', info('API_KEY_INVALID')),
  unauthenticated: () =>
    new GoogleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', info('ACCESS_TOKEN_EXPIRED')),
  noCredentials: () => new GoogleError(403, 'PERMISSION_DENIED', 'The request is missing a valid API key.'),
  permissionDenied: () => new GoogleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'),
  notFound: () => new GoogleError(404, 'NOT_FOUND', 'Requested entity was not found.'),
  unavailable: () => new GoogleError(503, 'UNAVAILABLE', 'The service is currently unavailable.'),
  internal: () => new GoogleError(500, 'INTERNAL', 'Internal error encountered.'),
  quotaExceeded: () =>
    new GoogleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com'.", info('RATE_LIMIT_EXCEEDED')),
  forStatus: (status: number) =>
    status === 429
      ? new GoogleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'.")
      : status >= 500
        ? new GoogleError(status, status === 503 ? 'UNAVAILABLE' : 'INTERNAL', status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.')
        : new GoogleError(status, 'FAILED_PRECONDITION', 'Injected failure.'),
};
