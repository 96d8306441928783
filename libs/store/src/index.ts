// Public API of @mts/store: every export is named here.
export { openStore } from './lib/store.js';
export type { Store, StoreOptions, InsertRecordsResult } from './lib/store.js';
export type { FailPendingOptions, FailPendingResult } from './lib/give-up.js';
export type { DeliveryOutcome, RecordDeliveriesResult } from './lib/record-delivery.js';
export { loadOrCreateDataKey, createKeyring, dataKeyFromBytes } from './lib/data-key.js';
export type { DataKey, DataKeyring, LoadDataKeyOptions } from './lib/data-key.js';
export { sealValue, openValue } from './lib/value-cipher.js';
export { createEncryptedWriteStream, createDecryptedReadStream } from './lib/file-cipher.js';
export { newRequestId, isRequestId } from './lib/request-id.js';
export { StoreError } from './lib/errors.js';
export type { StoreErrorCode } from './lib/errors.js';
export { RequestEntity, RecordEntity } from './lib/entities.js';
export type { RequestRow, RecordRow } from './lib/entities.js';
export type {
  RequestStatus,
  RecordStatus,
  RequestPhase,
  InputKind,
  DeliveryState,
  RequestConfig,
  NewRequest,
  RequestInfo,
  RecordCounts,
  RequestPatch,
  OutputRecord,
  NewRecord,
  PendingRecord,
  RecordAnswer,
  StoredRecord,
  CleanupPolicy,
  CleanupResult,
} from './lib/types.js';
