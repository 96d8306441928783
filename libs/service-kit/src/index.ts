// Public API of @mts/service-kit: every export is named here.
export { createServiceLogger, redact } from './lib/logger.js';
export type { Logger, ServiceLoggerOptions } from './lib/logger.js';
export { describeSettingErrors, readEnvSettings } from './lib/env-settings.js';
export type { EnvNames } from './lib/env-settings.js';
export { describeFailure, installLastResortHandlers } from './lib/last-resort.js';
export type { LastResortOptions, ProcessEvents } from './lib/last-resort.js';
export { ConfigError } from './lib/config-error.js';
export { describeStartFailure, exitOnStartFailure } from './lib/start-failure.js';
export type { StartFailure } from './lib/start-failure.js';
export { readSharedSettings, SHARED_SETTING_VARS, storeTarget } from './lib/shared-settings.js';
export type { DatabaseSettings, SharedSettings, SharedSettingsResult } from './lib/shared-settings.js';
export { counterIn, createMetricsRegistry, ensureProcessMetrics, histogramIn, scrapedGauge } from './lib/metrics.js';
export type { GaugeReader, MetricsRegistry } from './lib/metrics.js';
export { OPS_PATHS, opsHandlers, runChecks, tcpReachable } from './lib/health.js';
export type { CheckResult, OpsHandlers, ReadinessCheck } from './lib/health.js';
export { startOpsServer } from './lib/ops-server.js';
export type { OpsServer } from './lib/ops-server.js';
