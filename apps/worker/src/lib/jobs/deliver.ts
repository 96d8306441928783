import { compileOutputFormat, csvWriter, jsonArrayWriter, ndjsonWriter } from '@mts/field-mapping';
import type { DownloadErrorStatus, OutputRecord, RequestConfig, RequestInfo } from '@mts/store';
import { deliveryFor, type DeliveryOutcome } from '@mts/connectors';
import type { WorkerContext } from '../context.js';
import { type DeliverData, enqueueOnce, JOB, RetryLaterError } from '../queue.js';
import { createDeliveryMarks } from './delivery-marks.js';

const DEFAULT_HEADER = ['vid', 'status', 'token', 'errorCode', 'errorMessage'];

/** The per-record error code of a record whose `outputFormat` failed on its data (the template over its input). */
export const TEMPLATE_RECORD_CODE = 'ATS-REQ-103';

// The failures of writing the file itself that MTS names: the request ends with them at once. Anything else (the
// database went away, the store was busy) is thrown, so the job retries with backoff and gives up only at the end.
const DISK_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

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
 * CSV/JSON/NDJSON writer → encrypted file), and only then sets `processed` / `processed_with_errors` (MTS bug 4);
 * then, when the output is to be sent (callback, WebSub, SFTP), hands over to `send-output` ({@link runSend}); else
 * the PII is erased. Safe to re-run: a finished request is left alone.
 */
export async function runDeliver(ctx: WorkerContext, requestId: string): Promise<void> {
  const { store, log } = ctx;
  let req = await store.getRequest(requestId);
  if (!req || (req.phase !== 'processing' && req.phase !== 'delivering')) return;
  if (await store.hasPending(requestId)) throw new RetryLaterError('RECORDS_PENDING', 'records still wait for IDA');

  // Each step below is recorded before the next starts, so a re-run after a crash resumes at the first undone one.
  if (!req.hasOutput) {
    // Guarded in the store too: it stays `processing` while any record is pending.
    if ((await store.beginDelivery(requestId)).phase !== 'delivering') throw new RetryLaterError('RECORDS_PENDING', 'records still wait for IDA');
    // Every record is answered: the duplicate report's groups are fixed now (a repeat is a no-op).
    await store.indexDuplicates(requestId);
    const written = await writeOutput(ctx, requestId);
    if (!written) return;
    const withErrors = req.counts.error + req.counts.invalid > 0 || req.lastError || written.templateFailures > 0;
    req = await store.outputWritten(requestId, withErrors ? 'processed_with_errors' : 'processed');
    log.info('output written', { status: req.status, counts: req.counts, ...(written.templateFailures > 0 ? { templateFailures: written.templateFailures } : {}) });
  }
  if (req.deliveryState === 'pending') {
    // Sending is a job of its own: a slow receiver (a per-record callback can take hours) then holds up only its own
    // request, never another request's output.
    await enqueueOnce<DeliverData>(ctx.agenda, JOB.send, { requestId }, { requestId });
    return;
  }
  await store.erasePii(requestId);
  await store.finish(requestId);
}

/**
 * `send-output {requestId}`: hands the written output to the request's delivery, records how it ended, then erases
 * the PII. Safe to re-run: per-record outcomes are kept, and a finished request is left alone.
 */
export async function runSend(ctx: WorkerContext, requestId: string): Promise<void> {
  const { store } = ctx;
  let req = await store.getRequest(requestId);
  if (!req || req.phase !== 'delivering' || !req.hasOutput) return;
  if (req.deliveryState === 'pending') req = await deliverOutput(ctx, req);
  await store.erasePii(requestId);
  await store.finish(requestId);
}

/** A per-record failure of the template (`@mts/jq`'s JqError): a property of that record's data, not of the run. */
function isRecordTemplateError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (error as { name?: unknown } | null)?.name === 'JqError' && (code === 'JQ_RUNTIME' || code === 'JQ_BUDGET');
}

/**
 * The output rows in input order: MTS's default record, through the request's outputFormat when it has one.
 * `undelivered`: only the records whose per-record callback has not had a 2xx yet.
 *
 * A record on whose data the outputFormat fails (a type error, its step budget) does not sink the others: its row is
 * the template over an empty input and an error output (`status: error`, ATS-REQ-103), so it keeps the template's
 * shape (CSV columns, a callback receiver's fields); if even that fails, the default error record. `onTemplateFailure`
 * hears of each such record with the jq code (never a value).
 */
async function* outputRows(
  ctx: WorkerContext,
  requestId: string,
  config: RequestConfig,
  { undelivered = false, onTemplateFailure = (_code: string) => {} } = {},
): AsyncIterable<{ lineNo: number; row: unknown }> {
  // No outputFormat means MTS's default record, as is.
  const template = config.outputFormat ? compileOutputFormat(config.outputFormat) : (c: { output: OutputRecord }) => c.output;
  // The received record only feeds an outputFormat's `.input`.
  const options = { received: Boolean(config.outputFormat) };
  const records = undelivered ? ctx.store.streamUndelivered(requestId, options) : ctx.store.streamRecords(requestId, options);
  for await (const r of records) {
    const output: OutputRecord = r.output ?? { vid: null, status: r.status, token: null, errorCode: r.errorCode, errorMessage: null };
    let row: unknown;
    try {
      row = template({ input: r.received ?? {}, output });
    } catch (error) {
      if (!isRecordTemplateError(error)) throw error;
      const code = (error as { code: string }).code;
      onTemplateFailure(code);
      const failed: OutputRecord = {
        vid: output.vid,
        status: 'error',
        token: null,
        errorCode: TEMPLATE_RECORD_CODE,
        errorMessage: `outputFormat failed on this record (${code})`,
      };
      try {
        row = template({ input: {}, output: failed });
      } catch (again) {
        if (!isRecordTemplateError(again)) throw again;
        row = failed;
      }
    }
    yield { lineNo: r.lineNo, row };
  }
}

async function* rowsOnly(rows: AsyncIterable<{ row: unknown }>): AsyncIterable<Record<string, unknown>> {
  for await (const r of rows) yield r.row as Record<string, unknown>;
}

/**
 * Streams the records into the encrypted output. Returns how many records' template failed, or false after
 * recording one of MTS's disk failures (permission, space), which end the request at once; any other failure is
 * thrown for the job to retry (see DISK_CODES).
 */
async function writeOutput(ctx: WorkerContext, requestId: string): Promise<{ templateFailures: number } | false> {
  const { store, log } = ctx;
  const config = await store.getRequestConfig(requestId);
  if (!config) throw new Error('request configuration is missing');
  const failures = new Map<string, number>();
  const onTemplateFailure = (code: string) => void failures.set(code, (failures.get(code) ?? 0) + 1);
  const rows = rowsOnly(outputRows(ctx, requestId, config, { onTemplateFailure }));
  const text =
    config.output === 'csv'
      ? csvWriter(rows, config.outputFormat ? {} : { header: DEFAULT_HEADER })
      : config.output === 'ndjson'
        ? ndjsonWriter(rows)
        : jsonArrayWriter(rows);
  try {
    await store.writeOutput(requestId, text);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !DISK_CODES.has(code)) throw error;
    const status = downloadErrorStatus(error);
    log.error('output file could not be written', { status, code });
    await store.outputFailed(requestId, status);
    await store.erasePii(requestId);
    return false;
  }
  let templateFailures = 0;
  for (const [code, n] of failures) {
    templateFailures += n;
    log.warn('outputFormat failed on records', { code, records: n });
  }
  return { templateFailures };
}

/**
 * Hands the written output to the request's delivery (registered by `deliverytype` in `@mts/connectors`) and
 * records how it ended. Per-record outcomes are marked in the store as they come (batched), so a re-run after a
 * crash sends only the records not yet delivered.
 */
async function deliverOutput(ctx: WorkerContext, req: RequestInfo): Promise<RequestInfo> {
  const { store, log } = ctx;
  const requestId = req.id;
  const delivery = deliveryFor(req.deliverytype);
  const config = await store.getRequestConfig(requestId);
  const fail = (code: string, counts?: { delivered: number; failed: number }) => {
    log.warn('delivery failed', { deliverytype: req.deliverytype, code, ...counts });
    ctx.metrics?.delivery(req.deliverytype, 'failed');
    return store.deliveryFailed(requestId, delivery?.failureStatus ?? 'error_making_callback_request', code);
  };
  if (!delivery?.deliver) return fail('DELIVERY_UNKNOWN');
  if (!config) return fail('DELIVERY_CONFIG_ERASED');
  const marks = createDeliveryMarks(store, requestId);
  let outcome: DeliveryOutcome;
  try {
    outcome = await delivery.deliver({
      requestId,
      config,
      openOutput: () => store.openOutput(requestId),
      undeliveredRows: () => outputRows(ctx, requestId, config, { undelivered: true }),
      mark: marks.add,
      options: ctx.deliveryOptions[req.deliverytype],
      requestedAt: req.createdAt,
    });
  } finally {
    await marks.flush();
  }
  if (outcome.ok) {
    log.info('delivered', { deliverytype: req.deliverytype, delivered: outcome.delivered });
    ctx.metrics?.delivery(req.deliverytype, 'delivered');
    return store.delivered(requestId);
  }
  return fail(outcome.code, { delivered: outcome.delivered, failed: outcome.failed });
}
