import type { Agenda } from 'agenda';
import { counterIn, histogramIn, scrapedGauge, type MetricsRegistry } from '@mts/service-kit';

/** How one record ended at IDA (or before it): `token`, `ida_error` (IDA or the client answered an error), `invalid`
 * (refused by the mapping checks at ingest), `retry` (IDA unreachable: the record stays pending and goes again). */
export type RecordOutcome = 'token' | 'ida_error' | 'invalid' | 'retry';

/** The worker's metrics; every name here is exported on /metrics and may appear in docs/grafana-dashboard.json. */
export interface WorkerMetrics {
  record(outcome: RecordOutcome, count?: number): void;
  /** An error code a record ended with (IDA's own `IDA-…`, `AUT_BAS_001`, `ATS-REQ-100`, …). */
  idaError(code: string): void;
  /** One IDA call's duration; `result`: `answer` (IDA answered, token or error) or `unreachable`. */
  idaCall(result: 'answer' | 'unreachable', seconds: number): void;
  /** One process-chunk job's duration; `result`: `done` or `retry` (IDA went away mid-chunk). */
  chunk(result: 'done' | 'retry', seconds: number): void;
  /** How a delivery (callback, websub, sftp) ended: `delivered` or `failed`. */
  delivery(deliverytype: string, outcome: 'delivered' | 'failed'): void;
}

/**
 * Creates (or, on a shared registry, finds) the worker's metrics. Counters and histograms only; the queue depth is
 * read from Agenda at scrape time (see {@link watchQueueDepth}).
 * @example const metrics = createWorkerMetrics(registry); metrics.record('token');
 */
export function createWorkerMetrics(registry: MetricsRegistry): WorkerMetrics {
  const records = counterIn(registry, {
    name: 'mts_worker_records_total',
    help: 'Records handled by the worker, by outcome (token, ida_error, invalid, retry)',
    labelNames: ['outcome'],
  });
  const errors = counterIn(registry, {
    name: 'mts_worker_record_errors_total',
    help: 'Records answered with an error, by error code (IDA-…, AUT_BAS_001, ATS-REQ-100, …)',
    labelNames: ['code'],
  });
  const ida = histogramIn(registry, {
    name: 'mts_worker_ida_request_duration_seconds',
    help: 'IDA demographic-auth calls, by result (answer, unreachable), with their duration in seconds (client retries included)',
    labelNames: ['result'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  const chunks = histogramIn(registry, {
    name: 'mts_worker_chunk_duration_seconds',
    help: 'process-chunk jobs, by result (done, retry), with their duration in seconds',
    labelNames: ['result'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  });
  const deliveries = counterIn(registry, {
    name: 'mts_worker_deliveries_total',
    help: 'Deliveries of outputs (callback, websub, sftp), by deliverytype and outcome (delivered, failed)',
    labelNames: ['deliverytype', 'outcome'],
  });
  const codeLabel = codeLabeler();
  // Zeroes for the outcomes, so rate() has a series from the first scrape on.
  for (const outcome of ['token', 'ida_error', 'invalid', 'retry']) records.inc({ outcome }, 0);
  return {
    record: (outcome, count = 1) => records.inc({ outcome }, count),
    idaError: (code) => errors.inc({ code: codeLabel(code) }),
    idaCall: (result, seconds) => ida.observe({ result }, seconds),
    chunk: (result, seconds) => chunks.observe({ result }, seconds),
    delivery: (deliverytype, outcome) => deliveries.inc({ deliverytype, outcome }),
  };
}

/**
 * `mts_worker_ida_concurrency_limit`: IDA calls the worker lets in flight now (fixed, or the adaptive limit outside
 * its brief probes of IDA's unloaded latency), read at scrape time. Returns detach.
 * @example const detach = watchIdaConcurrencyLimit(registry, () => dispatcher.maxInFlight);
 */
export function watchIdaConcurrencyLimit(registry: MetricsRegistry, read: () => number): () => void {
  return scrapedGauge(
    registry,
    { name: 'mts_worker_ida_concurrency_limit', help: 'IDA calls the worker lets in flight at once now (MTS_IDA_CONCURRENCY_MODE adaptive or fixed)' },
    async () => [[{}, read()]],
  );
}

const STATES = ['queued', 'scheduled', 'running', 'repeating', 'failed'] as const;

/**
 * `mts_worker_queue_jobs{name, state}`: the queue's jobs by name and state, read from Agenda at scrape time.
 * `queued` is the depth: due, waiting for a worker. Returns detach (call it when the worker stops).
 */
export function watchQueueDepth(registry: MetricsRegistry, agenda: Pick<Agenda, 'getJobsOverview'>): () => void {
  return scrapedGauge(
    registry,
    { name: 'mts_worker_queue_jobs', help: 'Jobs in the worker queue by job name and state (queued = due and waiting)', labelNames: ['name', 'state'] },
    async () => (await agenda.getJobsOverview()).flatMap((o) => STATES.map((state) => [{ name: o.name, state }, o[state]] as const)),
  );
}

// IDA's error codes come from whatever answers at idaAuthUrl: only code-shaped ones become a label value, and at most
// `max` distinct ones per registry, so a misbehaving peer cannot grow the scrape without bound.
const CODE_SHAPE = /^[A-Za-z0-9_.-]{1,40}$/;
export function codeLabeler(max = 200): (code: string) => string {
  const seen = new Set<string>();
  return (code) => {
    if (!CODE_SHAPE.test(code)) return 'OTHER';
    if (seen.has(code)) return code;
    if (seen.size >= max) return 'OTHER';
    seen.add(code);
    return code;
  };
}
