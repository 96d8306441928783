// Public API of @mts/websub: every export is named here.
export { deliverWebsub } from './lib/deliver.js';
export type { PublishDeliveryResult, PublishOptions, PublishPayload, PublishResult } from './lib/deliver.js';
export { deregister, publish, register, topicAlreadyRegistered } from './lib/client.js';
export type { BodySource, HubCallOptions } from './lib/client.js';
export { parseHubReply } from './lib/reply.js';
export type { HubReply } from './lib/reply.js';
export { WebsubError, retryableHubStatus } from './lib/errors.js';
export type { WebsubErrorCode } from './lib/errors.js';
