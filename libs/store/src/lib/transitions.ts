import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';
import { immediate, PENDING } from './record-writes.js';
import { toRequestInfo } from './row-mapping.js';
import type { RequestInfo, RequestStatus } from './types.js';
import type { OutputFormat } from './request-files.js';

/** The statuses a written output can give a request. */
export type OutputStatus = 'processed' | 'processed_with_errors';
/** MTS's statuses for an output file that could not be written. */
export type DownloadErrorStatus = Extract<RequestStatus, `error_creating_download_${string}`>;
/** The statuses a delivery that failed for good gives a request (MTS: `error_making_callback_request`). */
export type DeliveryFailureStatus = Extract<RequestStatus, `error_making_${string}`>;

/** What {@link Store.endIngest} records. */
export interface EndIngestOptions {
  /** Chunks read; the stored records' highest chunk + 1 is used when larger (rows kept from before a restart). */
  chunkCount: number;
  /** Why the input ended early (a code, never PII); the request then ends `processed_with_errors`. */
  lastError?: string;
}

/** What {@link Store.abandonDelivery} records for a delivery that will not be tried again. */
export interface AbandonDeliveryOptions {
  /** The status when no output was written (one of MTS's `error_creating_download_*`). */
  statusWithoutOutput: DownloadErrorStatus;
  /** A code, never PII. */
  lastError: string;
  /** The status a pending delivery ends with: the delivery's own (default MTS's `error_making_callback_request`). */
  failureStatus?: DeliveryFailureStatus;
}

/** One named transition: the `requests` columns it sets, the phase it starts from, and the values of its `?`s. */
export interface TransitionSql<A extends unknown[]> {
  set: string;
  guard: string;
  values: (...args: A) => unknown[];
}

const def = <A extends unknown[]>(set: string, guard: string, values: (...args: A) => unknown[]): TransitionSql<A> => ({ set, guard, values });

/**
 * The transitions as SQL both engines run: `greatest` is the two-argument maximum (SQLite's scalar `MAX`,
 * PostgreSQL's `GREATEST`); `t` the clock in epoch ms.
 */
export function transitionSql(greatest: 'MAX' | 'GREATEST', t: () => number) {
  return {
    beginIngest: def(`phase = 'ingesting', status = 'processing'`, `phase = 'new'`, () => []),
    noteError: def('last_error = ?', `phase IN ('ingesting', 'processing')`, (code: string) => [code]),
    // From `new` too: an ingest given up before it began still delivers (nothing).
    endIngest: def(
      `phase = 'processing', status = CASE status WHEN 'submitted' THEN 'processing' ELSE status END,
       chunk_count = ${greatest}(?, (SELECT COALESCE(MAX(chunk), -1) + 1 FROM records WHERE request_id = requests.id)),
       last_error = COALESCE(?, last_error)`,
      `phase IN ('new', 'ingesting')`,
      (o: EndIngestOptions) => [o.chunkCount, o.lastError ?? null],
    ),
    beginDelivery: def(
      `phase = 'delivering'`,
      `phase = 'processing' AND NOT EXISTS (SELECT 1 FROM records WHERE request_id = requests.id AND ${PENDING})`,
      () => [],
    ),
    recordOutput: def('output_path = ?, status = ?', `phase = 'delivering' AND output_path IS NULL`, (path: string, status: OutputStatus) => [path, status]),
    outputFailed: def(
      `status = ?, last_error = ?, phase = 'done', finished_at = ?`,
      `phase = 'delivering' AND output_path IS NULL`,
      (status: DownloadErrorStatus) => [status, status, t()],
    ),
    delivered: def(
      `delivery_state = 'delivered', delivery_attempts = delivery_attempts + 1`,
      `phase = 'delivering' AND delivery_state = 'pending'`,
      () => [],
    ),
    deliveryFailed: def(
      `status = ?, delivery_state = 'failed', delivery_attempts = delivery_attempts + 1, last_error = ?`,
      `phase = 'delivering' AND delivery_state = 'pending'`,
      (status: DeliveryFailureStatus, code: string) => [status, code],
    ),
    // An output already written stays downloadable under its processed* status; only a pending delivery is lost.
    abandonDelivery: def(
      `status = CASE WHEN output_path IS NULL THEN ? WHEN delivery_state = 'pending' THEN ? ELSE status END,
       delivery_state = CASE delivery_state WHEN 'pending' THEN 'failed' ELSE delivery_state END, last_error = ?`,
      `phase IN ('processing', 'delivering')`,
      (o: AbandonDeliveryOptions) => [o.statusWithoutOutput, o.failureStatus ?? 'error_making_callback_request', o.lastError],
    ),
    finish: def(`phase = 'done', finished_at = ?`, `phase IN ('processing', 'delivering')`, () => [t()]),
  };
}

/**
 * The named changes of a request's phase and status. Each is one transaction whose `WHERE` names the phase (or
 * delivery state) it starts from, so a repeat (a job re-run after a crash) changes nothing; each returns the
 * request as it is afterwards, changed or not, and throws `STORE_NOT_FOUND` for an unknown id.
 */
export function createTransitions(db: BetterSqlite3.Database, now: () => Date, outputPathOf: (id: string, format: OutputFormat) => string) {
  const select = db.prepare('SELECT * FROM requests WHERE id = ?');
  const after = (id: string): RequestInfo => {
    const row = select.get(id) as Record<string, unknown> | undefined;
    if (!row) throw new StoreError('STORE_NOT_FOUND', `no request ${id}`);
    return toRequestInfo(row);
  };
  // Sets columns of `requests` (updated_at added here) for `WHERE id = ? AND <guard>`; its values come first.
  const transition = <A extends unknown[]>({ set, guard, values }: TransitionSql<A>) => {
    const update = db.prepare(`UPDATE requests SET ${set}, updated_at = ? WHERE id = ? AND ${guard}`);
    return immediate(db, (id: string, ...args: A): RequestInfo => {
      update.run(...values(...args), now().getTime(), id);
      return after(id);
    });
  };
  const sql = transitionSql('MAX', () => now().getTime());
  const recordOutput = transition(sql.recordOutput);

  return {
    beginIngest: transition(sql.beginIngest),
    noteError: transition(sql.noteError),
    endIngest: transition(sql.endIngest),
    beginDelivery: transition(sql.beginDelivery),
    outputWritten: (id: string, status: OutputStatus) => recordOutput(id, outputPathOf(id, after(id).output), status),
    outputFailed: transition(sql.outputFailed),
    delivered: transition(sql.delivered),
    deliveryFailed: transition(sql.deliveryFailed),
    abandonDelivery: transition(sql.abandonDelivery),
    finish: transition(sql.finish),
  };
}
