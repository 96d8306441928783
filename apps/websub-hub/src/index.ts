// Public API of @mts/websub-hub: every export is named here.
export { startWebsubHub } from './lib/hub.js';
export { signature as hubSignature } from './lib/distribute.js';
export { startTestSubscriber, verifyHubSignature } from './lib/subscriber.js';
export type { ReceivedContent, TestSubscriber, TestSubscriberOptions } from './lib/subscriber.js';
export type { DistributionAttempt, HubSubscription, RecordedPublish, RunningWebsubHub, WebsubHubOptions } from './lib/types.js';
