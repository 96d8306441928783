// Public API of @mts/callback: every export is named here.
export { deliverCallback } from './lib/deliver.js';
export { IDEMPOTENCY_HEADER } from './lib/send.js';
export { createTokenCache } from './lib/auth.js';
export { CallbackError } from './lib/errors.js';
export { pacedBody, startAttemptTimer } from './lib/attempt-timer.js';
export type { AttemptTimer } from './lib/attempt-timer.js';
export type { CallbackErrorCode } from './lib/errors.js';
export type {
  BodySource,
  CallbackPayload,
  CallbackProperties,
  DeliverOptions,
  DeliveryResult,
  RecordDelivery,
  TokenCache,
} from './lib/types.js';
