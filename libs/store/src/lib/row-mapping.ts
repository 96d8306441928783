import type { DeliveryState, InputKind, RequestInfo, RequestPatch, RequestPhase, RequestStatus } from './types.js';

/** A raw `requests` row (snake_case, as `SELECT *` returns it) to the public shape. */
export function toRequestInfo(row: Record<string, unknown>): RequestInfo {
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)));
  return {
    id: String(row.id),
    status: row.status as RequestStatus,
    phase: row.phase as RequestPhase,
    inputKind: row.input_kind as InputKind,
    inputPath: (row.input_path as string | null) ?? null,
    output: row.output as 'json' | 'csv',
    deliverytype: row.deliverytype as 'download' | 'callback',
    outputPath: (row.output_path as string | null) ?? null,
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
    lastError: (row.last_error as string | null) ?? null,
    piiErasedAt: date(row.pii_erased_at),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    finishedAt: date(row.finished_at),
  };
}

const PATCH_COLUMNS: Record<keyof RequestPatch, string> = {
  status: 'status',
  phase: 'phase',
  outputPath: 'output_path',
  chunkCount: 'chunk_count',
  deliveryState: 'delivery_state',
  deliveryAttempts: 'delivery_attempts',
  attempts: 'attempts',
  lastError: 'last_error',
  finishedAt: 'finished_at',
};

/** `SET a = ?, b = ?` and its values for a patch; only known columns, so no caller text reaches the SQL. */
export function patchToSql(patch: RequestPatch): { set: string[]; values: unknown[] } {
  const set: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof RequestPatch, unknown][]) {
    if (value === undefined || !(key in PATCH_COLUMNS)) continue;
    set.push(`${PATCH_COLUMNS[key]} = ?`);
    values.push(value instanceof Date ? value.getTime() : value);
  }
  return { set, values };
}
