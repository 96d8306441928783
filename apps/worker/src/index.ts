// Public API of @mts/worker: every export is named here.
export { startWorker } from './lib/worker.js';
export type { StartWorkerOptions, RunningWorker } from './lib/worker.js';
export { loadConfig, ConfigError } from './config.js';
export { VARS as WORKER_SETTING_VARS } from './config.js';
export type { WorkerConfig } from './config.js';
export { createFairDispatcher } from './lib/fair-dispatcher.js';
export type { FairDispatcher } from './lib/fair-dispatcher.js';
export type { AuthenticatorLike } from './lib/context.js';
export { createLogger } from './lib/logger.js';
export type { Logger } from './lib/logger.js';
