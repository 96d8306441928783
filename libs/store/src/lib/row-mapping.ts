import type { DeliveryState, InputKind, RequestInfo, RequestPhase, RequestStatus } from './types.js';

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
    piiErasedAt: date(row.pii_erased_at),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    finishedAt: date(row.finished_at),
  };
}
