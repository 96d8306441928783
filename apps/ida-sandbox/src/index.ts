// Public API of @mts/ida-sandbox: every export is named here.
export { startSandbox } from './lib/server.js';
export type { RunningSandbox, SandboxOptions, SandboxPartner } from './lib/server.js';
export { sandboxPartnerEnv } from './lib/partner-env.js';
export type { SandboxStats } from './lib/stats.js';
export type { SandboxSwitches } from './lib/switches.js';
export { demoIdentities, DEFAULT_SEED, DEFAULT_IDENTITY_COUNT } from './lib/demo-identities.js';
export type { SandboxIdentity, SandboxIdentity as DemoIdentity, SandboxVid, IdentityAttributes, LangValue, VidType } from './lib/identity.js';
export { SandboxError } from './lib/errors.js';
export type { SandboxErrorCode } from './lib/errors.js';
export type { IdaSettings } from './lib/settings.js';
export type { PartnerRegistry, RegisteredPartner, PartnerPolicy } from './lib/partner-registry.js';
export { FILES as SANDBOX_FILES } from './lib/data-dir.js';
export { NAMES as SANDBOX_SETTING_VARS } from './config.js';
