// Public API of @mts/authenticator: every export is named here.
export { createAuthenticator } from './lib/authenticator.js';
export type { Authenticator } from './lib/authenticator.js';
export { validateAuthenticatorConfig } from './lib/config.js';
export type { AuthenticatorConfig, ResolvedConfig } from './lib/config.js';
export { authenticatorConfigFromEnv, AUTHENTICATOR_ENV, checkAuthenticatorEnv } from './lib/env-config.js';
export { AuthenticatorError, AUTHENTICATOR_ERROR_CODES } from './lib/errors.js';
export type { AuthenticatorErrorCode } from './lib/errors.js';
export { buildAuthRequest, toTransactionId, RANDOM_BYTES_PER_REQUEST } from './lib/request-builder.js';
export type { BuildContext, BuiltRequest } from './lib/request-builder.js';
export { readIdaAnswer } from './lib/response.js';
export { failedRecordOutcome, recordOutcome } from './lib/record-outcome.js';
export type { RecordOutcome } from './lib/record-outcome.js';
export { createHttpTransport, TransportError } from './lib/http-transport.js';
export type { HttpTransportOptions } from './lib/http-transport.js';
export { backoffDelay } from './lib/backoff.js';
export type {
  AttemptReport, AuthRequest, AuthResult, Demographics, IdaError, LangValue, Transport, TransportRequest, TransportResponse,
} from './lib/types.js';
