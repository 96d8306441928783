import { toRequestConfig } from '@mts/envelope';
import { isRequestId, type RequestInfo, type Store } from '@mts/store';
import type { RequestsPort, RequestStatusView, RequestSummary, Submission, UploadStorage } from './ports.js';

/** Tells the worker a request is waiting. The worker polls for new requests, so the default does nothing. */
export type Enqueue = (requestId: string) => Promise<void>;

/**
 * The API's persistence over `@mts/store`: inputs are saved (encrypted, by the store) under the request id, then the
 * request row is created and `enqueue` is called. Nothing is mapped or authenticated here. An upload's `path` is
 * the request id it was saved under: where the file is, only the store knows.
 * @example const requests = createStoreRequests(store);
 */
export function createStoreRequests(store: Store, enqueue: Enqueue = async () => {}, options: { now?: () => Date } = {}): RequestsPort {
  const now = options.now ?? (() => new Date());
  return {
    async submit(submission: Submission) {
      const config = toRequestConfig(submission.request);
      let id: string;
      // An upload (or a streamed records body) was saved under its request id; records given in memory are saved now.
      if (submission.upload) {
        if (!submission.upload.requestId) throw new Error(`${submission.kind} submission without a saved input`);
        id = submission.upload.requestId;
      } else if (submission.records) {
        id = store.newRequestId();
        await store.saveInput(id, 'ndjson', ndjsonChunks(submission.records));
      } else {
        id = store.newRequestId();
      }
      await store.createRequest({ id, inputKind: submission.inputKind, config, ...(submission.caller !== undefined ? { caller: submission.caller } : {}) });
      await enqueue(id);
      return { id };
    },

    async saveJsonInput(lines) {
      const requestId = store.newRequestId();
      await store.saveInput(requestId, 'ndjson', lines);
      return { path: requestId, encrypted: true, requestId };
    },

    discardInput: (requestId) => store.discardInput(requestId),

    async status(id, caller) {
      const info = await visible(id, caller);
      return info ? statusView(info, now()) : null;
    },

    async duplicates(id, caller) {
      const info = await visible(id, caller);
      if (!info) return null;
      return { ready: info.duplicateGroups !== null, groups: info.duplicateGroups, read: () => store.duplicateGroups(id) };
    },

    async output(id, caller) {
      const info = await visible(id, caller);
      if (!info) return null;
      return {
        status: info.status,
        ready: (info.status.startsWith('processed') || DOWNLOADABLE_AFTER_FAILED_DELIVERY.has(info.status)) && info.hasOutput,
        output: info.output,
        open: () => store.openOutput(id),
      };
    },

    async list({ caller, limit, ids }) {
      if (ids) {
        // Only the named requests the caller may see (all named ones with authentication off), newest first.
        const infos = (await Promise.all(ids.map((id) => visible(id, caller)))).filter((i): i is RequestInfo => i !== null);
        return infos.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit).map(summaryOf);
      }
      const infos = await store.listRequests({ ...(caller !== undefined ? { caller } : {}), limit, newestFirst: true });
      return infos.map(summaryOf);
    },
  };

  // With caller authentication on, another caller's request (or one made while it was off) is as unknown as a wrong id.
  async function visible(id: string, caller: string | undefined): Promise<RequestInfo | null> {
    if (!isRequestId(id)) return null;
    const info = await store.getRequest(id);
    return info && (caller === undefined || info.caller === caller) ? info : null;
  }
}

function summaryOf(info: RequestInfo): RequestSummary {
  return {
    requestId: info.id,
    status: info.status,
    inputKind: info.inputKind,
    output: info.output,
    deliverytype: info.deliverytype,
    counts: { ...info.counts },
    createdAt: info.createdAt.toISOString(),
    finishedAt: info.finishedAt ? info.finishedAt.toISOString() : null,
  };
}

/**
 * Delivery failures after which the written output can still be downloaded (until clean-up): the caller's fallback.
 * MTS answers ATS-REQ-017 ("not processed yet") for ever after a failed callback; a caller loses nothing here.
 */
const DOWNLOADABLE_AFTER_FAILED_DELIVERY: ReadonlySet<string> = new Set([
  'error_making_callback_request',
  'error_making_websub_request',
  'error_making_sftp_request',
]);

/** Uploads go straight to the request's encrypted input file, named by a request id chosen now. */
export function createStoreUploadStorage(store: Store): UploadStorage {
  return {
    async save(source) {
      const requestId = store.newRequestId();
      await store.saveInput(requestId, 'csv', source);
      return { path: requestId, encrypted: true, requestId };
    },
    remove: (requestId) => store.discardInput(requestId),
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

/** Status, counts and a naive ETA (constant rate since creation). */
export function statusView(info: RequestInfo, now: Date): RequestStatusView {
  const { total, processed, error, invalid } = info.counts;
  const done = processed + error + invalid;
  let eta: string | null = null;
  const elapsed = now.getTime() - info.createdAt.getTime();
  if (info.phase !== 'done' && done > 0 && total > done && elapsed > 0) {
    eta = new Date(now.getTime() + ((total - done) * elapsed) / done).toISOString();
  }
  // The code that made the request end early or with errors (never PII), so the caller sees why.
  return {
    status: info.status,
    counts: { total, processed, error, invalid },
    eta,
    ...(info.lastError ? { errorCode: info.lastError } : {}),
    ...(info.duplicateGroups !== null ? { duplicateGroups: info.duplicateGroups } : {}),
  };
}
