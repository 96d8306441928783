import { createReadStream, openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { DEFAULT_MAX_DEPTH, splitJsonDocument } from '@mts/parsers';
import type { SeedOptions } from './args.js';
import { EXIT, SeedError } from './exit-codes.js';
import type { Journal } from './journal.js';
import { writeFileAtomically } from './output-file.js';
import type { Progress } from './progress.js';

export interface ServerDeps {
  journal: Journal;
  progress: Progress;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Between status polls (default 1000 ms). */
  pollMs?: number;
}

export interface ServerResult {
  requestId: string;
  status: string;
  counts: { total: number; processed: number; error: number; invalid: number };
}

interface Envelope {
  errors?: { errorCode?: string; errorMessage?: string; message?: string }[] | null;
  response?: Record<string, unknown> | null;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Server mode: submits the file (POST authtoken/csv or authtoken/json), journals the request id (synced), polls
 * `authtoken/status/{id}` with progress, then downloads `authtoken/file/{id}` to the output. With a journaled id
 * (`--resume`) it polls that request instead of submitting again.
 */
export async function runServer(options: SeedOptions, deps: ServerDeps): Promise<ServerResult> {
  const doFetch = deps.fetch ?? fetch;
  const base = options.server!.endsWith('/') ? options.server! : `${options.server!}/`;
  const headers: Record<string, string> = options.apiKey ? { 'X-API-Key': options.apiKey } : {};
  const call = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let res: Response;
    try {
      res = await doFetch(new URL(path, base), { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, redirect: 'error' });
    } catch (e) {
      const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code ?? 'FETCH_FAILED';
      throw new SeedError(EXIT.UNREACHABLE, `the server is unreachable (${code})`, 'SERVER_UNREACHABLE');
    }
    if (res.status === 401 || res.status === 403) {
      const body = await readEnvelope(res);
      const code = body.errors?.[0]?.errorCode;
      throw new SeedError(
        EXIT.AUTH_REFUSED,
        `the server refused the ${options.apiKey ? 'API key' : 'request: it needs an API key (--api-key or MTS_API_KEY)'} (HTTP ${res.status}${code ? ` ${code}` : ''})`,
        'AUTH_REFUSED',
      );
    }
    return res;
  };

  const { journal, progress } = deps;
  let requestId = journal.requestId;
  const resuming = requestId !== undefined;
  if (!requestId) {
    // A refused upload is answered by closing the connection before its body is read, which a client sees as a
    // reset, not a 401: a cheap authenticated GET first tells a missing or refused key from an unreachable server.
    await readEnvelope(await call('authtoken/status/mts-seed-preflight'));
    requestId = await submit(options, call);
    await journal.recordRequest(requestId);
  }

  let view: { status: string; counts?: ServerResult['counts']; errorCode?: string };
  for (;;) {
    if (deps.signal?.aborted) throw new SeedError(EXIT.INTERRUPTED, `interrupted: request ${requestId} goes on at the server; run again with --resume to follow it`, 'INTERRUPTED');
    const res = await call(`authtoken/status/${encodeURIComponent(requestId)}`);
    const body = await readEnvelope(res);
    if (!res.ok || !body.response) throw requestFailed(res.status, body, 'status');
    view = body.response as typeof view;
    const c = view.counts;
    if (c) progress.update({ done: c.processed + c.error + c.invalid, total: c.total || undefined, resuming, phase: view.status });
    if (/^(processed|error_)/.test(view.status)) break;
    await sleep(deps.pollMs ?? 1000, deps.signal);
  }
  const counts = view.counts ?? { total: 0, processed: 0, error: 0, invalid: 0 };
  if (!view.status.startsWith('processed')) {
    throw new SeedError(EXIT.REQUEST_FAILED, `request ${requestId} ended ${view.status}${view.errorCode ? ` (${view.errorCode})` : ''} without an output`, 'REQUEST_FAILED');
  }

  const res = await call(`authtoken/file/${encodeURIComponent(requestId)}`);
  if (!res.ok || !res.body) throw requestFailed(res.status, await readEnvelope(res), 'download');
  const bytes = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  await writeFileAtomically(options.output, options.outputFormat === 'ndjson' ? jsonToNdjson(bytes) : bytes);
  return { requestId, status: view.status, counts };
}

/** The MTS envelope, output as the server asks for it. */
function envelopeOf(options: SeedOptions): Record<string, unknown> {
  const request: Record<string, unknown> = { output: options.outputFormat === 'csv' ? 'csv' : 'json', deliverytype: 'download' };
  if (options.mapping) request.mapping = options.mapping;
  if (options.lang) request.lang = options.lang;
  if (options.template) request.outputFormat = options.template;
  if (options.csvDelimiter && options.inputFormat === 'csv') request.csvDelimiter = options.csvDelimiter;
  return { id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(), request };
}

async function submit(options: SeedOptions, call: (path: string, init?: RequestInit) => Promise<Response>): Promise<string> {
  const envelope = envelopeOf(options);
  let res: Response;
  if (options.inputFormat === 'csv') {
    const form = new FormData();
    form.append('request', JSON.stringify(envelope));
    // A file-backed Blob: the upload streams from disk.
    form.append('csv_file', await openAsBlob(options.input, { type: 'text/csv' }), basename(options.input));
    res = await call('authtoken/csv', { method: 'POST', body: form });
  } else {
    // authdata streamed into the envelope: `{…,"request":{…,"authdata":<records>}}`.
    const text = JSON.stringify(envelope);
    const head = `${text.slice(0, -2)},"authdata":`;
    const records = options.inputFormat === 'json' ? withoutBom(createReadStream(options.input)) : ndjsonAsArray(options.input);
    const body = Readable.toWeb(Readable.from(concat(head, records, '}}')));
    res = await call('authtoken/json', { method: 'POST', body: body as unknown as RequestInit['body'], headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
  }
  const answer = await readEnvelope(res);
  const id = answer.response?.request_identifier;
  if (!res.ok || typeof id !== 'string') throw requestFailed(res.status, answer, 'submission');
  return id;
}

async function* concat(head: string, middle: AsyncIterable<string | Uint8Array>, tail: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(head);
  for await (const chunk of middle) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  yield Buffer.from(tail);
}

/** NDJSON lines as one JSON array's text (blank lines skipped); a line that is not JSON makes the server answer 422. */
async function* ndjsonAsArray(path: string): AsyncIterable<string> {
  let first = true;
  yield '[';
  for await (const raw of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    const line = first && raw.startsWith('\ufeff') ? raw.slice(1) : raw;
    if (line.trim() === '') continue;
    yield first ? line : `,${line}`;
    first = false;
  }
  yield ']';
}

/**
 * The server's JSON array as NDJSON, element by element, whatever each element is: a template may make rows that are
 * strings or arrays (`.output.token`), which a record parser would refuse. The array is streamed out of a wrapping
 * object, as splitJsonDocument needs; an output it cannot read ends the run (exit 6), never a row written as null.
 */
async function* jsonToNdjson(bytes: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  try {
    for await (const part of splitJsonDocument(concat('{"rows":', bytes, '}'), { path: ['rows'], maxDepth: DEFAULT_MAX_DEPTH + 1 })) {
      if (part.kind === 'element') yield `${JSON.stringify(part.value)}\n`;
      else if (!part.streamed) throw Object.assign(new Error('not an array'), { code: 'JSON_DOCUMENT_NOT_ARRAY' });
    }
  } catch (e) {
    if (e instanceof SeedError) throw e;
    const code = (e as { code?: string }).code ?? 'JSON_DOCUMENT_SYNTAX';
    throw new SeedError(EXIT.REQUEST_FAILED, `the server's output is not a JSON array this tool can convert (${code})`, 'OUTPUT_UNREADABLE');
  }
}

/** A UTF-8 byte-order mark at the start of the input is dropped, as the parsers do: inside the envelope it is not JSON. */
async function* withoutBom(chunks: AsyncIterable<Uint8Array | string>): AsyncIterable<Uint8Array | string> {
  let first = true;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      if (typeof chunk === 'string') {
        yield chunk.startsWith('\ufeff') ? chunk.slice(1) : chunk;
        continue;
      }
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        yield chunk.subarray(3);
        continue;
      }
    }
    yield chunk;
  }
}

async function readEnvelope(res: Response): Promise<Envelope> {
  try {
    return (await res.json()) as Envelope;
  } catch {
    return {};
  }
}

function requestFailed(status: number, body: Envelope, what: string): SeedError {
  const e = body.errors?.[0];
  const code = e?.errorCode;
  const message = e?.errorMessage ?? e?.message;
  // 503 (e.g. ATS-AUTH-003, the OIDC key set cannot be fetched) is "try again later", as an unreachable server is.
  if (status === 503 || (status >= 500 && !code)) return new SeedError(EXIT.UNREACHABLE, `the server failed the ${what} (HTTP ${status}${code ? ` ${code}` : ''})`, code ?? 'SERVER_ERROR');
  return new SeedError(EXIT.REQUEST_FAILED, `the server refused the ${what} (HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''})`, code ?? 'REQUEST_FAILED');
}
