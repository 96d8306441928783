import { Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Request } from 'express';
import { JsonDocumentError, ParserError, splitJsonDocument, type JsonDocumentPart } from '@mts/parsers';
import { capSchemaIssues, MAX_SCHEMA_ISSUES } from '@mts/envelope';
import { ApiError } from './errors.js';
import { checkSubmission, tooDeep } from './validation.js';
import type { EnvelopeIssue, EnvelopePort, RequestsPort, StoredUpload } from './ports.js';

/** What POST authtoken/json needs to read its body. */
export interface JsonSubmissionDeps {
  envelope: EnvelopePort;
  requests: RequestsPort;
  maxJsonBytes: number;
  /** Largest envelope without its authdata, in characters. Default 1 Mi. */
  maxHeadChars?: number;
  /** The input source's kind (its envelope part) and the `request` field holding its records; default json / authdata. */
  kind?: string;
  field?: string;
}

/** A valid authtoken/json submission: the `request` without authdata, and its records on disk (or in memory). */
export interface JsonSubmission {
  request: Record<string, unknown>;
  /** The records as NDJSON, written by `requests.saveJsonInput`. */
  upload?: StoredUpload;
  /** The records, when `requests` cannot save an input itself (in-memory test ports). */
  records?: unknown[];
}

const NOT_JSON = () => new ApiError('ATS-REQ-102', 'Invalid Input. Body is not valid JSON', { schema: true });
// Stands in for every object record when the envelope is validated: the records themselves are already on disk.
const AN_OBJECT = Object.freeze({});

/** What the streaming pass learns of the records: how many, and where the first non-objects are. */
interface Tally {
  count: number;
  /** The indexes of the first {@link MAX_SCHEMA_ISSUES} records that are not objects (more would not be listed). */
  notObjects: number[];
  notObjectCount: number;
  head?: Extract<JsonDocumentPart, { kind: 'head' }>;
}

/**
 * Reads POST authtoken/json's body as it arrives: the records in `request.authdata` go to the input file one by
 * one, the rest of the envelope is validated afterwards with the same checks (and so the same codes and messages)
 * as a body parsed whole. Any failure removes the file and drains the request, as express.json does; a body over
 * its limit is not drained but refused at once (413, connection closed).
 */
export async function receiveJsonSubmission(req: Request, deps: JsonSubmissionDeps): Promise<JsonSubmission> {
  const kind = deps.kind ?? 'json';
  const field = deps.field ?? 'authdata';
  if (hasNoBody(req)) checkSubmission(deps.envelope, kind, undefined); // throws MTS's "missing request body"
  let upload: StoredUpload | undefined;
  try {
    const bytes = bodyBytes(req, deps.maxJsonBytes);
    const parts = splitJsonDocument(bytes.source, { path: ['request', field], maxHeadChars: deps.maxHeadChars ?? 1024 * 1024, invalidUtf8: 'replace' });
    const tally: Tally = { count: 0, notObjects: [], notObjectCount: 0 };
    let records: unknown[] | undefined;
    try {
      if (deps.requests.saveJsonInput) {
        let size = 0;
        const lines = Readable.from(ndjson(parts, tally, (n) => (size += n)), { objectMode: false });
        const saved = await deps.requests.saveJsonInput(lines);
        upload = { ...saved, size };
      } else {
        records = [];
        for await (const part of parts) {
          if (part.kind === 'element') records.push(part.value);
          else tally.head = part;
        }
      }
    } catch (err) {
      // express.json reads an empty body as {}
      if (err instanceof JsonDocumentError && err.code === 'JSON_DOCUMENT_EMPTY' && bytes.received() === 0) tally.head = { kind: 'head', head: {}, streamed: false, count: 0 };
      else if (err instanceof JsonDocumentError && err.code === 'JSON_DOCUMENT_NOT_OBJECT' && err.valueType === 'array') {
        checkSubmission(deps.envelope, kind, []); // what a JSON array body has always been told
        throw NOT_JSON();
      } else throw err;
    }
    const { head, streamed } = tally.head!;
    if (streamed) (head.request as Record<string, unknown>)[field] = records ?? standIn(tally.head!.count, tally.notObjectCount);
    const expand = streamed && !records ? (issues: EnvelopeIssue[]) => listNotObjects(issues, field, tally) : undefined;
    const { [field]: received, ...request } = checkSubmission(deps.envelope, kind, head, { expand });
    return upload ? { request, upload } : { request, records: received as unknown[] };
  } catch (err) {
    if (upload) await deps.requests.discardInput?.(upload.path);
    const error = toApiError(err, field);
    // A body over its limit is not read further: the 413 goes out with Connection: close (see error-handler.ts).
    if (!(error instanceof ApiError && error.code === 'ATS-REQ-105')) await drain(req);
    throw error;
  }
}

/** The records as NDJSON text in ~64 KiB pieces; counts them and notes which are not objects. */
async function* ndjson(parts: AsyncIterable<JsonDocumentPart>, tally: Tally, wrote: (bytes: number) => void): AsyncGenerator<string> {
  let buf = '';
  for await (const part of parts) {
    if (part.kind === 'head') {
      tally.head = part;
      continue;
    }
    const v = part.value;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      if (tally.notObjectCount++ < MAX_SCHEMA_ISSUES) tally.notObjects.push(part.index);
    }
    tally.count++;
    buf += `${JSON.stringify(v)}\n`;
    if (buf.length >= 65536) {
      wrote(Buffer.byteLength(buf));
      yield buf;
      buf = '';
    }
  }
  if (buf) {
    wrote(Buffer.byteLength(buf));
    yield buf;
  }
}

/**
 * An authdata array the envelope checks judge as the real one: empty or not, and with a non-object if there was
 * one. One element, whatever the count: the issues of the real non-objects are listed by {@link listNotObjects}.
 */
function standIn(count: number, notObjectCount: number): unknown[] {
  if (count === 0) return [];
  return [notObjectCount > 0 ? null : AN_OBJECT];
}

/**
 * The envelope's issues with those of the stand-in non-object (index 0) replaced by the same issues of each real
 * one, at its real index: the first {@link MAX_SCHEMA_ISSUES} listed, the rest counted.
 */
function listNotObjects(issues: EnvelopeIssue[], field: string, tally: Tally): EnvelopeIssue[] {
  const prefix = `Invalid Input. request.${field}.0: `;
  const at = issues.findIndex((i) => i.errorMessage.startsWith(prefix));
  if (at < 0) return issues; // the part takes any record (e.g. vc), or a rule answered first
  const standIns = issues.filter((i) => i.errorMessage.startsWith(prefix));
  const others = issues.filter((i) => !i.errorMessage.startsWith(prefix));
  const real = tally.notObjects.flatMap((index) =>
    standIns.map((i) => ({ ...i, errorMessage: `Invalid Input. request.${field}.${index}: ${i.errorMessage.slice(prefix.length)}` })),
  );
  const unlisted = (tally.notObjectCount - tally.notObjects.length) * standIns.length;
  return capSchemaIssues([...others.slice(0, at), ...real, ...others.slice(at)], unlisted);
}

/** As express.json decides "no body": no Transfer-Encoding and no or a zero Content-Length. */
function hasNoBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

/** The body's bytes, inflated as Content-Encoding says, failing past `limit` bytes (as express.json's checks). */
function bodyBytes(req: Request, limit: number): { source: AsyncIterable<Uint8Array>; received: () => number } {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8') throw new ApiError('ATS-REQ-102', `Invalid Input. unsupported charset "${charset.toUpperCase()}"`);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let inflate: Transform | undefined;
  if (encoding === 'gzip') inflate = createGunzip();
  else if (encoding === 'deflate') inflate = createInflate();
  else if (encoding === 'br') inflate = createBrotliDecompress();
  else if (encoding !== 'identity') throw new ApiError('ATS-REQ-102', `Invalid Input. unsupported content encoding "${encoding}"`);
  const length = Number(req.headers['content-length']);
  if (!inflate && length > limit) throw tooLarge();
  let received = 0;
  async function* source(): AsyncGenerator<Uint8Array> {
    if (inflate) req.pipe(inflate);
    // The request is never destroyed here: after a failure it is drained so that the error reply reaches the client.
    const from = inflate ? inflate.iterator({ destroyOnReturn: true }) : req.iterator({ destroyOnReturn: false });
    try {
      for await (const chunk of from as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > limit) throw tooLarge();
        yield chunk;
      }
    } finally {
      if (inflate) req.unpipe(inflate);
    }
  }
  return { source: source(), received: () => received };
}

const tooLarge = () => new ApiError('ATS-REQ-105', 'Invalid Input. Body exceeds the size limit');

/** Reads off whatever of the request is left, so the reply is not cut short by a reset. */
async function drain(req: Request): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.once('error', () => resolve());
    req.resume();
  });
}

function toApiError(err: unknown, field: string): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof JsonDocumentError) {
    switch (err.code) {
      case 'JSON_DOCUMENT_HEAD_TOO_LARGE':
        return new ApiError('ATS-REQ-105', `Invalid Input. The envelope without request.${field} exceeds the size limit`);
      case 'JSON_DOCUMENT_ELEMENT_TOO_LARGE':
        return new ApiError('ATS-REQ-105', `Invalid Input. A record in request.${field} exceeds the size limit`);
      case 'JSON_DOCUMENT_TOO_DEEP':
        return tooDeep();
      case 'JSON_DOCUMENT_DUPLICATE_PATH':
        return new ApiError('ATS-REQ-102', `Invalid Input. request.${field} is given more than once`, { schema: true });
      default:
        return NOT_JSON();
    }
  }
  if (err instanceof ParserError && err.code === 'PARSER_SOURCE_ERROR') {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApiError) return cause;
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('Z_')) return new ApiError('ATS-REQ-102', 'Invalid Input. Body could not be decompressed');
    return new ApiError('ATS-REQ-102', 'Invalid Input. request aborted', { cause });
  }
  return err;
}
