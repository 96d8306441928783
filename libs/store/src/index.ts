// Public API of @mts/store: every export is named here. Paths, files, the ORM and `.part` files stay inside.
export { openStore } from './lib/store.js';
export type { Store, StoreOptions, SqliteStoreOptions, PostgresStoreOptions, InsertRecordsResult } from './lib/store.js';
export type { ByteSource, InputFileKind } from './lib/request-files.js';
export type { OutputStatus, DownloadErrorStatus, DeliveryFailureStatus, EndIngestOptions, AbandonDeliveryOptions } from './lib/transitions.js';
export type { FailPendingOptions, FailPendingResult } from './lib/give-up.js';
export type { DuplicateGroup } from './lib/duplicates.js';
export type { DeliveryOutcome, RecordDeliveriesResult } from './lib/record-delivery.js';
export { loadOrCreateDataKey, createKeyring, dataKeyFromBytes } from './lib/data-key.js';
export { dataKeyAdvice } from './lib/key-placement.js';
export type { DataKey, DataKeyring, LoadDataKeyOptions } from './lib/data-key.js';
export { newRequestId, isRequestId } from './lib/request-id.js';
export { PULLED_INPUT_KINDS } from './lib/types.js';
export { StoreError } from './lib/errors.js';
export type { StoreErrorCode } from './lib/errors.js';
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
  OutputRecord,
  NewRecord,
  PendingRecord,
  RecordAnswer,
  StoredRecord,
  CleanupPolicy,
  CleanupResult,
} from './lib/types.js';
export { clientWithConnectTimeout } from './lib/pg-client.js';
