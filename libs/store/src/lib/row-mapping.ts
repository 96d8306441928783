import type { DataKeyring } from './data-key.js';
import { recordAad } from './record-writes.js';
import type { DeliveryState, InputKind, OutputRecord, RequestInfo, RequestPhase, RequestStatus, StoredRecord } from './types.js';
import { openValue } from './value-cipher.js';

/** A raw `requests` row (snake_case, as `SELECT *` returns it) to the public shape. */
export function toRequestInfo(row: Record<string, unknown>): RequestInfo {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return {
    id: String(row.id),
    status: row.status as RequestStatus,
    phase: row.phase as RequestPhase,
    inputKind: row.input_kind as InputKind,
    output: row.output as RequestInfo['output'],
    deliverytype: row.deliverytype as RequestInfo['deliverytype'],
    hasOutput: row.output_path !== null && row.output_path !== undefined,
    counts: {
      total: Number(row.total),
      processed: Number(row.processed_count),
      error: Number(row.error_count),
      invalid: Number(row.invalid_count),
    },
    chunkCount: Number(row.chunk_count),
    ingestedLineNo: Number(row.ingested_line_no),
    deliveryState: row.delivery_state as DeliveryState,
    deliveryAttempts: Number(row.delivery_attempts),
    attempts: Number(row.attempts),
    duplicateGroups: row.duplicate_groups === null || row.duplicate_groups === undefined ? null : Number(row.duplicate_groups),
    lastError: (row.last_error as string | null) ?? null,
    caller: (row.caller as string | null | undefined) ?? null,
    piiErasedAt: date(row.pii_erased_at),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    finishedAt: date(row.finished_at),
  };
}

/** A raw `records` row (line_no, seq, chunk, status, error_code, received_ct, output_ct) to a decrypted record. */
export function toStoredRecord(keyring: DataKeyring, requestId: string, r: Record<string, unknown>): StoredRecord {
  const lineNo = Number(r.line_no);
  const open = <T>(blob: unknown, column: string): T | null =>
    blob ? openValue<T>(keyring, blob as Buffer, recordAad(requestId, lineNo, column)) : null;
  return {
    lineNo,
    seq: Number(r.seq),
    chunk: Number(r.chunk),
    status: r.status as StoredRecord['status'],
    errorCode: (r.error_code as string | null) ?? null,
    received: open(r.received_ct, 'received'),
    output: open<OutputRecord>(r.output_ct, 'output'),
  };
}
