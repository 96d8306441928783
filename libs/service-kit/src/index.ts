// Public API of @mts/service-kit: every export is named here.
export { createServiceLogger, redact } from './lib/logger.js';
export type { Logger, ServiceLoggerOptions } from './lib/logger.js';
export { describeSettingErrors, readEnvSettings } from './lib/env-settings.js';
export type { EnvNames } from './lib/env-settings.js';
