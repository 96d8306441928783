import type { Readable } from 'node:stream';
import type { DeliveryEnvelopePart, RequestConfig } from '@mts/envelope';
import type { DeliveryFailureStatus } from '@mts/store';

/** One record's output row, keyed by its input line (per-record deliveries). */
export interface OutputRow {
  lineNo: number;
  row: unknown;
}

/** A per-record outcome, marked in the store so that a re-run sends only what is not delivered yet. */
export interface RecordMark {
  lineNo: number;
  ok: boolean;
  errorCode?: string;
}

/** What {@link Delivery.deliver} gets from the worker for one request whose output is written. */
export interface DeliveryContext {
  requestId: string;
  config: RequestConfig;
  /** The stored output (CSV with its header, or the JSON array), decrypted; opened afresh on each call. */
  openOutput(): Promise<Readable>;
  /** The output rows of the records not yet marked delivered, in input order (outputFormat applied). */
  undeliveredRows(): AsyncIterable<OutputRow>;
  /** Marks one record's outcome; resolves once it is written (batched), throws after a failed write. */
  mark(mark: RecordMark): Promise<void>;
  /** Settings the worker was started with for this delivery type (transport, attempts, backoff). */
  options?: Record<string, unknown>;
  /** When the request was submitted (file names that carry a date stay the same on a re-run). */
  requestedAt?: Date;
  signal?: AbortSignal;
}

/** How a delivery ended: `ok`, or the first failure's code (the request then ends with `failureStatus`). */
export type DeliveryOutcome = { ok: true; delivered: number } | { ok: false; code: string; delivered: number; failed: number };

/**
 * A delivery: its `deliverytype` and envelope part, the request status a failure ends with, and the sending itself.
 * Without `deliver` the stored output is the delivery (download).
 */
export interface Delivery {
  deliverytype: string;
  envelope: DeliveryEnvelopePart;
  /** MTS-style status when delivery fails for good (`error_making_callback_request`). */
  failureStatus?: DeliveryFailureStatus;
  deliver?(ctx: DeliveryContext): Promise<DeliveryOutcome>;
}
