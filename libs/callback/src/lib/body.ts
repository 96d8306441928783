import { randomBytes } from 'node:crypto';
import type { BodySource } from './types.js';

/** A body for one attempt: fetch needs a fresh stream each time, so sources are re-opened per attempt. */
export interface PreparedBody {
  contentType: string;
  /** Returns what fetch's `body` takes. */
  open(): string | Uint8Array | ReadableStream<Uint8Array>;
}

function toWebStream(iterable: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = iterable[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? encoder.encode(value) : value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** One record's JSON body, serialised once and re-sent as is on each attempt. */
export function singleJson(body: unknown): PreparedBody {
  const text = JSON.stringify(body);
  return { contentType: 'application/json', open: () => text };
}

/** JSON body from an array (serialised once) or from a serialised source. */
export function jsonBody(source: BodySource | unknown[]): PreparedBody {
  const contentType = 'application/json';
  if (Array.isArray(source)) {
    const text = JSON.stringify(source);
    return { contentType, open: () => text };
  }
  return { contentType, open: () => (typeof source === 'function' ? toWebStream(source()) : source) };
}

/** NDJSON body (one JSON record per line) from a serialised source: `output: "ndjson"` with callInBulk. */
export function ndjsonBody(source: BodySource): PreparedBody {
  return { contentType: 'application/x-ndjson', open: () => (typeof source === 'function' ? toWebStream(source()) : source) };
}

/**
 * multipart/form-data with one file part whose field name and filename are both `name` (MTS's csv callback),
 * streamed so a large CSV is never held whole in memory.
 */
export function multipartBody(name: string, content: BodySource, fileType = 'text/csv'): PreparedBody {
  const boundary = `----mts${randomBytes(12).toString('hex')}`;
  // Quotes and line breaks cannot appear inside the quoted parameter (WHATWG escapes them the same way).
  const safe = name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${safe}"; filename="${safe}"\r\nContent-Type: ${fileType}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  async function* parts(): AsyncIterable<Uint8Array | string> {
    yield head;
    if (typeof content === 'function') yield* content();
    else yield content;
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, open: () => toWebStream(parts()) };
}
