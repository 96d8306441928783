import { createRecordMapper } from '@mts/field-mapping';
import { sourceForStoredKind, type InputSource } from '@mts/connectors';
import type { ParsedRecord } from '@mts/parsers';
import type { NewRecord, RequestConfig, RequestInfo } from '@mts/store';
import type { WorkerContext } from '../context.js';
import { onChunksStored, scheduleRemaining } from './chunk-schedule.js';

/** The source registered for the stored request's input kind. */
function sourceOf(req: RequestInfo): InputSource {
  const found = sourceForStoredKind(req.inputKind);
  if (!found) throw new Error(`no input source reads ${req.inputKind} requests`);
  return found;
}

/** The stored request's records, through its source. */
function source(ctx: WorkerContext, req: RequestInfo, config: RequestConfig, lang: string): AsyncIterable<ParsedRecord> {
  return sourceOf(req).read({ requestId: req.id, inputKind: req.inputKind, config, lang, openInput: () => ctx.store.openInput(req.id), fetch: ctx.outboundFetch, pageSize: ctx.config.pullPageSize, storedUpToLineNo: req.ingestedLineNo });
}

/** `request.mapping` over the source's own default mapping (a VC's fields are not MTS's), key by key. */
function mappingFor(req: RequestInfo, config: RequestConfig): RequestConfig['mapping'] | null {
  const own = sourceOf(req).defaultMapping;
  if (!own) return config.mapping ?? null;
  return { ...own, ...config.mapping };
}

/**
 * `ingest {requestId}`: stream the stored input through the parser and the field mapper into records, in
 * batched transactions. Re-running after a crash skips lines already stored (and the store ignores repeats),
 * so the result is the same as one uninterrupted run.
 */
export async function runIngest(ctx: WorkerContext, requestId: string, attempt = 1): Promise<void> {
  const { store, config } = ctx;
  const req = await store.getRequest(requestId);
  if (!req) return;
  if (req.phase !== 'new' && req.phase !== 'ingesting') {
    // Crashed after ingest finished but before its jobs were all saved: saving them again is a no-op otherwise.
    if (req.phase === 'processing') await scheduleRemaining(ctx, requestId);
    return;
  }
  await store.beginIngest(requestId);
  const envelope = await store.getRequestConfig(requestId);
  if (!envelope) throw new Error('request configuration is missing');
  const lang = envelope.lang ?? config.defaultLang;
  const map = createRecordMapper({
    mapping: mappingFor(req, envelope),
    lang,
    mandatoryFields: config.mandatoryFields,
    nameDelimiter: config.nameDelimiter,
    addressDelimiter: config.addressDelimiter,
  });

  // The record as received is kept only for an outputFormat's `.input`; otherwise it is never stored at all.
  const keep = (data: unknown) => (envelope.outputFormat ? data : undefined);
  const batchSize = 500;
  let batch: NewRecord[] = [];
  let seq = 0;
  // Chunks before the one being filled are complete and may start while the rest is read.
  let completeUpTo = -1;
  const save = async (records: NewRecord[]) => {
    const { invalid } = await store.insertRecords(requestId, records);
    if (invalid > 0) ctx.metrics?.record('invalid', invalid);
    const filling = records[records.length - 1]!.chunk;
    if (filling - 1 > completeUpTo) {
      await onChunksStored(ctx, requestId, completeUpTo + 1, filling - 1);
      completeUpTo = filling - 1;
    }
  };
  const input = source(ctx, req, envelope, lang)[Symbol.asyncIterator]();
  for (;;) {
    let step: IteratorResult<ParsedRecord>;
    try {
      step = await input.next();
    } catch (error) {
      // A transient failure (ODK unreachable) retries the job, up to MTS_PULL_MAX_ATTEMPTS tries; anything else, or
      // the last try, ends the input here, and the request is delivered with what was read and marked with the code.
      const transient = (error as { retryable?: unknown }).retryable === true;
      if (transient && attempt < config.pullMaxAttempts) throw error;
      const lastError = (transient ? 'SOURCE_UNREACHABLE:' : '') + (errorCodes(error) || 'INPUT_UNREADABLE');
      await store.noteError(requestId, lastError);
      ctx.log.warn('input could not be read to the end', { code: lastError });
      break;
    }
    if (step.done) break;
    const parsed = step.value;
    const chunk = Math.floor(seq / config.chunkSize);
    const position = seq++;
    if (parsed.lineNo <= req.ingestedLineNo) continue;
    if ('error' in parsed) {
      batch.push({ lineNo: parsed.lineNo, seq: position, chunk, received: undefined, invalid: { vid: null, ...parsed.error } });
    } else {
      const mapped = map(parsed.data);
      batch.push(
        mapped.ok
          ? { lineNo: parsed.lineNo, seq: position, chunk, received: keep(parsed.data), input: mapped.input }
          : { lineNo: parsed.lineNo, seq: position, chunk, received: keep(parsed.data), invalid: { vid: mapped.vid, code: mapped.code, message: mapped.message } },
      );
    }
    if (batch.length >= batchSize) {
      await save(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await save(batch);
  // Rows stored before a restart keep their chunk numbers even if MTS_CHUNK_SIZE changed meanwhile (endIngest
  // counts at least the stored chunks).
  await store.endIngest(requestId, { chunkCount: Math.ceil(seq / config.chunkSize) });
  await scheduleRemaining(ctx, requestId);
}

/** `CODE` or `CODE:CAUSE_CODE` (e.g. PARSER_SOURCE_ERROR:STORE_FILE_TRUNCATED): codes only, never messages. */
function errorCodes(error: unknown): string {
  const codes: string[] = [];
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 3; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
  }
  return codes.join(':');
}
