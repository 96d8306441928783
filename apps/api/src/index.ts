// Public API of @mts/api: every export is named here.
export { createApp } from './lib/app.js';
export type { AppDeps, AppSettings } from './lib/app.js';
export { ApiError, httpStatusFor } from './lib/errors.js';
export type { ErrorEntry } from './lib/errors.js';
export { envelope, responseTime } from './lib/envelope.js';
export type { ResponseEnvelope } from './lib/envelope.js';
export { createLogger } from './lib/logger.js';
export type { Logger } from './lib/logger.js';
export { createFileUploadStorage, createInspector } from './lib/upload-storage.js';
export type { UploadFacts } from './lib/upload-storage.js';
export { createStoreRequests, createStoreUploadStorage, statusView } from './lib/store-requests.js';
export type { Enqueue } from './lib/store-requests.js';
export { openApiDocument } from './lib/openapi.js';
export type { EnvelopeSchemas, OpenApiOptions } from './lib/openapi.js';
export { AUTH_FIELDS } from './lib/routes/query-routes.js';
export { startApi } from './lib/server.js';
export type { RunningApi } from './lib/server.js';
export { fieldMappingEnvelope, fieldMappingSchemas, createSyncPort } from './lib/real-ports.js';
export { createCallerAuth, requireCaller, callerOf, AuthError } from './lib/auth/caller-auth.js';
export type { CallerAuth, CallerAuthSettings } from './lib/auth/caller-auth.js';
export { hashApiKey, generateApiKey, createApiKeyVerifier, checkApiKeyEntries } from './lib/auth/api-keys.js';
export type { ApiKeyEntry, ApiKeyVerifier } from './lib/auth/api-keys.js';
export { createOidcVerifier } from './lib/auth/oidc.js';
export type { OidcSettings, OidcVerifierOptions, OidcOutcome, OidcVerifier } from './lib/auth/oidc.js';
export { loadConfig, ConfigError } from './config.js';
export { VARS as API_SETTING_VARS } from './config.js';
export { CALLER_AUTH_VARS } from './auth-config.js';
export type { ApiConfig } from './config.js';
export type {
  Submission,
  RequestCounts,
  RequestStatusView,
  RequestSummary,
  DuplicatesView,
  OutputView,
  RequestsPort,
  StoredUpload,
  UploadStorage,
  SyncAuthError,
  SyncPort,
  SyncResult,
  EnvelopeIssue,
  EnvelopePort,
} from './lib/ports.js';
