// Public API of @mts/agenda-sqlite: every export is named here.
export { createSqliteBackend, SqliteBackend } from './lib/sqlite-backend.js';
export type { SqliteBackendOptions } from './lib/sqlite-backend.js';
export { SqliteJobRepository } from './lib/sqlite-job-repository.js';
export { SqliteJobLogger } from './lib/sqlite-job-logger.js';
export { AgendaSqliteError } from './lib/errors.js';
export type { AgendaSqliteErrorCode } from './lib/errors.js';
