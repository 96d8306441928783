// Callback delivery (§3 of the integrations spec), called by the worker's deliver job.
export { deliverCallback, IDEMPOTENCY_HEADER } from './deliver.js';
export { createTokenCache } from './auth.js';
export { CallbackError } from './errors.js';
export type { CallbackErrorCode } from './errors.js';
export type { BodySource, CallbackPayload, CallbackProperties, DeliverOptions, DeliveryResult, RecordDelivery, TokenCache } from './types.js';
