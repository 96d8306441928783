import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createDecryptedReadStream, createEncryptedWriteStream, isRequestId, type RequestConfig, type RequestInfo, type Store } from '@mts/store';
import { saveTo } from './upload-storage.js';
import type { RequestsPort, RequestStatusView, Submission, UploadStorage } from './ports.js';

/** Tells the worker a request is waiting. The worker polls for new requests, so the default does nothing. */
export type Enqueue = (requestId: string) => Promise<void>;

/**
 * The API's persistence over `@mts/store`: inputs are written encrypted under the request id, then the request row
 * is created and `enqueue` is called. Nothing is mapped or authenticated here.
 * @example const requests = createStoreRequests(store);
 */
export function createStoreRequests(store: Store, enqueue: Enqueue = async () => {}, options: { now?: () => Date } = {}): RequestsPort {
  const now = options.now ?? (() => new Date());
  return {
    async submit(submission: Submission) {
      const config = toConfig(submission.request);
      let id: string;
      let inputPath: string | null = null;
      if (submission.kind === 'json' && submission.upload) {
        if (!submission.upload.requestId) throw new Error('json submission without a saved input');
        id = submission.upload.requestId;
        inputPath = submission.upload.path;
      } else if (submission.kind === 'json') {
        id = store.newRequestId();
        inputPath = store.inputFilePath(id, 'ndjson');
        await saveTo(ndjsonLines(submission.authdata ?? []), createEncryptedWriteStream(inputPath, store.keyring), inputPath);
      } else if (submission.kind === 'csv') {
        if (!submission.upload?.requestId) throw new Error('csv submission without a stored upload');
        id = submission.upload.requestId;
        inputPath = submission.upload.path;
      } else {
        id = store.newRequestId();
      }
      const inputKind = submission.kind === 'json' ? 'ndjson' : submission.kind;
      await store.createRequest({ id, inputKind, inputPath, config });
      await enqueue(id);
      return { id };
    },

    async saveJsonInput(lines) {
      const requestId = store.newRequestId();
      const path = store.inputFilePath(requestId, 'ndjson');
      await saveTo(lines, createEncryptedWriteStream(path, store.keyring), path);
      return { path, encrypted: true, requestId };
    },

    discardInput: (path) => rm(path, { force: true }),

    async status(id) {
      if (!isRequestId(id)) return null;
      const info = await store.getRequest(id);
      return info ? statusView(info, now()) : null;
    },

    async output(id) {
      if (!isRequestId(id)) return null;
      const info = await store.getRequest(id);
      if (!info) return null;
      const outputPath = info.outputPath;
      return {
        status: info.status,
        ready: info.status.startsWith('processed') && outputPath !== null,
        output: info.output,
        open: async () => createDecryptedReadStream(outputPath!, store.keyring),
      };
    },
  };
}

/** Uploads go straight to the request's encrypted input file, named by a request id chosen now. */
export function createStoreUploadStorage(store: Store): UploadStorage {
  return {
    async save(source) {
      const requestId = store.newRequestId();
      const path = store.inputFilePath(requestId, 'csv');
      await saveTo(source, createEncryptedWriteStream(path, store.keyring), path);
      return { path, encrypted: true, requestId };
    },
    remove: (path) => rm(path, { force: true }),
  };
}

function toConfig(request: Record<string, unknown>): RequestConfig {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined);
  return {
    output: request.output === 'csv' ? 'csv' : 'json',
    deliverytype: request.deliverytype === 'callback' ? 'callback' : 'download',
    mapping: obj(request.mapping),
    lang: str(request.lang),
    // MTS treats a missing, null or false outputFormat as "the default record".
    outputFormat: str(request.outputFormat) ?? null,
    callbackProperties: obj(request.callbackProperties) ?? null,
    odkconfig: obj(request.odkconfig) ?? null,
    csvDelimiter: str(request.csvDelimiter),
  };
}

function* ndjsonChunks(records: readonly unknown[]): Generator<string> {
  // ~64 KiB writes: few syscalls, little memory.
  let buf = '';
  for (const record of records) {
    buf += `${JSON.stringify(record)}\n`;
    if (buf.length >= 65536) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

function ndjsonLines(records: readonly unknown[]): Readable {
  return Readable.from(ndjsonChunks(records), { objectMode: false });
}

/** Status, counts and a naive ETA (constant rate since creation). */
export function statusView(info: RequestInfo, now: Date): RequestStatusView {
  const { total, processed, error, invalid } = info.counts;
  const done = processed + error + invalid;
  let eta: string | null = null;
  const elapsed = now.getTime() - info.createdAt.getTime();
  if (info.phase !== 'done' && done > 0 && total > done && elapsed > 0) {
    eta = new Date(now.getTime() + ((total - done) * elapsed) / done).toISOString();
  }
  return { status: info.status, counts: { total, processed, error, invalid }, eta };
}
