import { compileOutputFormat, csvWriter, jsonArrayWriter } from '@mts/field-mapping';
import type { DownloadErrorStatus, OutputRecord, RequestConfig, RequestInfo } from '@mts/store';
import { CallbackError, type CallbackPayload, type DeliverOptions, type DeliveryResult } from '@mts/callback';
import type { WorkerContext } from '../context.js';
import { RetryLaterError } from '../queue.js';
import { createDeliveryMarks } from './delivery-marks.js';

const DEFAULT_HEADER = ['vid', 'status', 'token', 'errorCode', 'errorMessage'];

/** MTS's `error_creating_download_*` statuses from the failure that stopped the output file. */
export function downloadErrorStatus(error: unknown): DownloadErrorStatus {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'error_creating_download_disk_permission_error';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'error_creating_download_disk_space_error';
  if (typeof code === 'string' && code.startsWith('E') && !code.startsWith('ERR_')) return 'error_creating_download_unknown_io_error';
  return 'error_creating_download_unknown_exception';
}

/**
 * `deliver {requestId}`: once no record is pending, writes the output (default record → outputFormat →
 * CSV/JSON writer → encrypted file), and only then sets `processed` / `processed_with_errors` (MTS bug 4);
 * then the callback, if asked for; then the PII is erased. Safe to re-run: a finished request is left alone.
 */
export async function runDeliver(ctx: WorkerContext, requestId: string): Promise<void> {
  const { store, log } = ctx;
  let req = await store.getRequest(requestId);
  if (!req || (req.phase !== 'processing' && req.phase !== 'delivering')) return;
  if ((await store.countPending(requestId)) > 0) throw new RetryLaterError('RECORDS_PENDING', 'records still wait for IDA');

  // Each step below is recorded before the next starts, so a re-run after a crash resumes at the first undone one.
  if (!req.hasOutput) {
    // Guarded in the store too: it stays `processing` while any record is pending.
    if ((await store.beginDelivery(requestId)).phase !== 'delivering') throw new RetryLaterError('RECORDS_PENDING', 'records still wait for IDA');
    if (!(await writeOutput(ctx, requestId))) return;
    req = await store.outputWritten(requestId, req.counts.error + req.counts.invalid > 0 || req.lastError ? 'processed_with_errors' : 'processed');
    log.info('output written', { status: req.status, counts: req.counts });
  }
  if (req.deliverytype === 'callback' && req.deliveryState === 'pending') req = await deliverByCallback(ctx, req.id);
  await store.erasePii(requestId);
  await store.finish(requestId);
}

/**
 * The output rows in input order: MTS's default record, through the request's outputFormat when it has one.
 * `undelivered`: only the records whose per-record callback has not had a 2xx yet.
 */
async function* outputRows(
  ctx: WorkerContext,
  requestId: string,
  config: RequestConfig,
  { undelivered = false } = {},
): AsyncIterable<{ lineNo: number; row: unknown }> {
  // No outputFormat means MTS's default record, as is.
  const template = config.outputFormat ? compileOutputFormat(config.outputFormat) : (c: { output: OutputRecord }) => c.output;
  // The received record only feeds an outputFormat's `.input`.
  const options = { received: Boolean(config.outputFormat) };
  const records = undelivered ? ctx.store.streamUndelivered(requestId, options) : ctx.store.streamRecords(requestId, options);
  for await (const r of records) {
    const output: OutputRecord = r.output ?? { vid: null, status: r.status, token: null, errorCode: r.errorCode, errorMessage: null };
    yield { lineNo: r.lineNo, row: template({ input: r.received ?? {}, output }) };
  }
}

async function* rowsOnly(rows: AsyncIterable<{ row: unknown }>): AsyncIterable<Record<string, unknown>> {
  for await (const r of rows) yield r.row as Record<string, unknown>;
}

/** Streams the records into the encrypted output; false after recording a failure status. */
async function writeOutput(ctx: WorkerContext, requestId: string): Promise<boolean> {
  const { store, log } = ctx;
  const config = await store.getRequestConfig(requestId);
  if (!config) throw new Error('request configuration is missing');
  const rows = rowsOnly(outputRows(ctx, requestId, config));
  const text = config.output === 'csv' ? csvWriter(rows, config.outputFormat ? {} : { header: DEFAULT_HEADER }) : jsonArrayWriter(rows);
  try {
    await store.writeOutput(requestId, text);
    return true;
  } catch (error) {
    const status = downloadErrorStatus(error);
    log.error('output file could not be written', { status, code: (error as { code?: string }).code });
    await store.outputFailed(requestId, status);
    await store.erasePii(requestId);
    return false;
  }
}

/**
 * Sends the output to the request's callback (§3 shapes); only a 2xx counts, retries are the callback module's.
 * Every call carries `Idempotency-Key: <requestId>` (bulk, csv) or `<requestId>:<lineNo>` (one call per record).
 * Per record, delivery is tracked in the store: a re-run after a crash sends only the records not yet marked
 * delivered (at least once per record: the few whose marks were not yet written are sent again). A record that
 * fails is still followed by the others; any failure ends the request `error_making_callback_request`.
 */
async function deliverByCallback(ctx: WorkerContext, requestId: string): Promise<RequestInfo> {
  const { store, log } = ctx;
  const config = await store.getRequestConfig(requestId);
  const fail = (code: string, counts?: { delivered: number; failed: number }) => {
    log.warn('callback delivery failed', { code, ...counts });
    return store.callbackFailed(requestId, code);
  };
  if (!config?.callbackProperties) return fail('CALLBACK_INVALID_PROPERTIES');
  const props = config.callbackProperties;
  // Opened again for each attempt, so a retry re-reads it.
  const file = () =>
    (async function* () {
      yield* await store.openOutput(requestId);
    })();
  // Injected settings (attempts, backoff, transport) first; the key and the per-record marks are the job's own.
  const options: DeliverOptions = { ...ctx.callbackOptions, idempotencyKey: requestId };
  let payload: CallbackPayload;
  let marks: ReturnType<typeof createDeliveryMarks> | undefined;
  if (config.output === 'csv') payload = { kind: 'csv', content: file };
  else if (props.callInBulk) payload = { kind: 'json-bulk', body: file };
  else {
    marks = createDeliveryMarks(store, requestId);
    // Outcomes go to the store as they come; none is held in memory.
    options.keepResults = false;
    options.onResult = marks.add;
    payload = {
      kind: 'json-records',
      records: (async function* () {
        for await (const r of outputRows(ctx, requestId, config, { undelivered: true })) yield { key: r.lineNo, body: r.row };
      })(),
    };
  }
  let result: DeliveryResult;
  try {
    result = await ctx.deliverCallback(props, payload, options);
  } catch (error) {
    // Only unusable properties end the request here; a store failure (marks not written) retries the job.
    if (!(error instanceof CallbackError)) throw error;
    return fail(error.code);
  } finally {
    await marks?.flush();
  }
  if (result.ok) {
    log.info('callback delivered', { delivered: result.delivered });
    return store.callbackDelivered(requestId);
  }
  const first = marks?.tally.firstErrorCode ?? result.results.find((r) => !r.ok)?.errorCode;
  return fail(first ?? 'CALLBACK_FAILED', { delivered: result.delivered, failed: result.failed });
}
