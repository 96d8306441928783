// Public API of @mts/testing: every export is named here.
export { createTempDir } from './lib/temp-dir.js';
export type { TempDir } from './lib/temp-dir.js';
export { startCallbackReceiver } from './lib/callback-receiver.js';
export type { CallbackReceiver, CallbackReceiverOptions, ReceivedCall } from './lib/callback-receiver.js';
export { SYNTHETIC_PARTNER_ENV } from './lib/partner-env.js';
export { checkRequirement, findExecutable, requires, skippedTitle, testPostgresUrl } from './lib/requires.js';
export type { Requirement, RequirementCheck } from './lib/requires.js';
export { startSshd, generateClientKey, SFTP_TEST_USER_PREFIX } from './lib/sshd.js';
export type { RunningSshd, ClientKey } from './lib/sshd.js';
export { parsePrometheusText } from './lib/prometheus-text.js';
export { within } from './lib/within.js';
export type { PromFamily, PromSample } from './lib/prometheus-text.js';
