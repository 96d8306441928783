import { EntitySchema } from 'typeorm';

/** A row of `requests` as stored (timestamps in epoch ms; `config_ct` is sealed, may be null once erased). */
export interface RequestRow {
  id: string;
  status: string;
  phase: string;
  inputKind: string;
  inputPath: string | null;
  output: string;
  deliverytype: string;
  configCt: Buffer | null;
  outputPath: string | null;
  total: number;
  processedCount: number;
  errorCount: number;
  invalidCount: number;
  chunkCount: number;
  ingestedLineNo: number;
  deliveryState: string;
  deliveryAttempts: number;
  attempts: number;
  lastError: string | null;
  piiErasedAt: number | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Groups of the duplicate report; null until indexed. */
  duplicateGroups: number | null;
  /** Who submitted it (`key:<name>`, `oidc:<sub>`); null when caller authentication was off. */
  caller: string | null;
}

/** A row of `records`; every column that could hold PII is a sealed blob (`*_ct`). */
export interface RecordRow {
  requestId: string;
  lineNo: number;
  seq: number;
  chunk: number;
  status: string;
  errorCode: string | null;
  receivedCt: Buffer | null;
  inputCt: Buffer | null;
  outputCt: Buffer | null;
  updatedAt: number;
  /** When the record's callback got a 2xx (epoch ms); null until then. */
  deliveredAt: number | null;
  /** The CALLBACK_* code of its last failed callback, while not delivered. */
  deliveryError: string | null;
  /** A keyed digest of the record's token (the duplicate report's key); null without a token. */
  tokenDigest: Buffer | null;
}

/** The entities with the column types of one engine (see migrations/dialect.ts): only bytes and epoch ms differ. */
export function createEntities(engine: 'sqlite' | 'postgres') {
  const bytes = engine === 'postgres' ? ('bytea' as const) : ('blob' as const);
  const epoch = engine === 'postgres' ? ('bigint' as const) : ('integer' as const);
  const int = (name: string, nullable = false) => ({ type: 'integer' as const, name, nullable });
  const ms = (name: string, nullable = false) => ({ type: epoch, name, nullable });

  const RequestEntity = new EntitySchema<RequestRow>({
  name: 'Request',
  tableName: 'requests',
  columns: {
    id: { type: 'text', primary: true },
    status: { type: 'text' },
    phase: { type: 'text' },
    inputKind: { type: 'text', name: 'input_kind' },
    inputPath: { type: 'text', name: 'input_path', nullable: true },
    output: { type: 'text' },
    deliverytype: { type: 'text' },
    configCt: { type: bytes, name: 'config_ct', nullable: true },
    outputPath: { type: 'text', name: 'output_path', nullable: true },
    total: int('total'),
    processedCount: int('processed_count'),
    errorCount: int('error_count'),
    invalidCount: int('invalid_count'),
    chunkCount: int('chunk_count'),
    ingestedLineNo: int('ingested_line_no'),
    deliveryState: { type: 'text', name: 'delivery_state' },
    deliveryAttempts: int('delivery_attempts'),
    attempts: int('attempts'),
    lastError: { type: 'text', name: 'last_error', nullable: true },
    piiErasedAt: ms('pii_erased_at', true),
    createdAt: ms('created_at'),
    updatedAt: ms('updated_at'),
    finishedAt: ms('finished_at', true),
    duplicateGroups: int('duplicate_groups', true),
    caller: { type: 'text', nullable: true },
  },
});

  const RecordEntity = new EntitySchema<RecordRow>({
  name: 'Record',
  tableName: 'records',
  columns: {
    requestId: { type: 'text', name: 'request_id', primary: true },
    lineNo: { type: 'integer', name: 'line_no', primary: true },
    seq: int('seq'),
    chunk: int('chunk'),
    status: { type: 'text' },
    errorCode: { type: 'text', name: 'error_code', nullable: true },
    receivedCt: { type: bytes, name: 'received_ct', nullable: true },
    inputCt: { type: bytes, name: 'input_ct', nullable: true },
    outputCt: { type: bytes, name: 'output_ct', nullable: true },
    updatedAt: ms('updated_at'),
    deliveredAt: ms('delivered_at', true),
    deliveryError: { type: 'text', name: 'delivery_error', nullable: true },
    tokenDigest: { type: bytes, name: 'token_digest', nullable: true },
  },
});

  return [RequestEntity, RecordEntity];
}
