import { pacedBody, startAttemptTimer } from '@mts/callback';
import { WebsubError } from './errors.js';
import { parseHubReply, type HubReply } from './reply.js';

/** Bytes or text to send, or a factory of chunks called once per attempt (so a retry re-reads the source). */
export type BodySource = string | Uint8Array | (() => AsyncIterable<Uint8Array | string>);

/** How one hub call is made. */
export interface HubCallOptions {
  /** The transport (default the global fetch): the worker passes its guarded fetch. */
  fetch?: typeof fetch;
  /**
   * How long each wait for the hub may last (to connect, to take the next piece of a large body, to answer), in ms;
   * default 10 000. A large upload that keeps moving is not cut off.
   */
  timeoutMs?: number;
  /** Sent as the cookie `Authorization=<token>` (MOSIP's hub). */
  authToken?: string | null;
  /** Added to the call; they cannot replace Content-Type or Cookie. */
  extraHeaders?: Record<string, string>;
  signal?: AbortSignal;
}

const FORM = 'application/x-www-form-urlencoded';
const PROTECTED = new Set(['content-type', 'cookie', 'content-length', 'host']);

/**
 * Registers `topic` at the hub (`hub.mode=register`, form-urlencoded). Answers the hub's reply; throws a
 * {@link WebsubError} only when no reply came (transport, timeout, outbound policy).
 *
 * @example
 * ```ts
 * const reply = await register('http://127.0.0.1:9191/hub', 'tokens', { authToken });
 * if (!reply.accepted && !topicAlreadyRegistered(reply)) throw new Error(reply.reason);
 * ```
 */
export function register(hubUrl: string, topic: string, options: HubCallOptions = {}): Promise<HubReply> {
  return hubCall(hubUrl, { contentType: FORM, body: new URLSearchParams({ 'hub.mode': 'register', 'hub.topic': topic }).toString() }, options);
}

/** Removes `topic` from the hub: `mode` is `deregister` (W3C/Ballerina) or `unregister` (MOSIP's Java client). */
export function deregister(hubUrl: string, topic: string, options: HubCallOptions & { mode?: 'deregister' | 'unregister' } = {}): Promise<HubReply> {
  return hubCall(hubUrl, { contentType: FORM, body: new URLSearchParams({ 'hub.mode': options.mode ?? 'deregister', 'hub.topic': topic }).toString() }, options);
}

/**
 * Publishes content to `topic`: `POST {hubUrl}?hub.mode=publish&hub.topic=<topic>` with the content as the body
 * (MOSIP's publish form). Answers the hub's reply; throws a {@link WebsubError} only when no reply came.
 *
 * @example
 * ```ts
 * const reply = await publish(hubUrl, 'tokens', { contentType: 'application/json', body: JSON.stringify(row) });
 * reply.accepted; // 202, or 2xx with hub.mode=accepted
 * ```
 */
export function publish(hubUrl: string, topic: string, content: { contentType: string; body: BodySource }, options: HubCallOptions = {}): Promise<HubReply> {
  const url = new URL(hubUrl);
  url.searchParams.set('hub.mode', 'publish');
  url.searchParams.set('hub.topic', topic);
  return hubCall(url.toString(), content, options);
}

/** Whether a denied register means the topic is there already (the MOSIP/Ballerina hub's TopicExistsError). */
export function topicAlreadyRegistered(reply: HubReply): boolean {
  return reply.mode === 'denied' && /already (been )?registered|already exists/i.test(reply.reason ?? '');
}

async function hubCall(url: string, content: { contentType: string; body: BodySource }, options: HubCallOptions): Promise<HubReply> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(options.extraHeaders ?? {})) if (!PROTECTED.has(name.toLowerCase())) headers.set(name, value);
  headers.set('content-type', content.contentType);
  if (options.authToken) headers.set('cookie', `Authorization=${options.authToken}`);
  // A large body goes a piece at a time, each piece restarting the clock: the timeout bounds each wait for the hub
  // (to connect, to take the next piece, to answer), not an upload of a large output that keeps moving.
  const streamed = byteSize(content.body) > PACE_ABOVE;
  const timer = startAttemptTimer(options.timeoutMs ?? 10_000, options.signal);
  const signal = timer.signal;
  try {
    const res = await (options.fetch ?? globalThis.fetch)(url, {
      method: 'POST',
      headers,
      body: streamed ? pacedBody(toWebStream(typeof content.body === 'function' ? content.body() : once(content.body)), timer) : content.body,
      redirect: 'manual',
      signal,
      ...(streamed ? { duplex: 'half' } : {}),
    } as RequestInit);
    timer.restart();
    // Replies are small forms; a hub that sends more is cut off rather than buffered.
    return parseHubReply(res.status, await readSome(res, 8192));
  } catch (err) {
    if (err instanceof WebsubError) throw err;
    if (outboundDenied(err)) throw new WebsubError('WEBSUB_OUTBOUND_DENIED', 'the hub address is not allowed by the outbound policy', { cause: err });
    if (options.signal?.aborted) throw new WebsubError('WEBSUB_ABORTED', 'hub call aborted', { cause: err });
    const timeout = (err as Error)?.name === 'TimeoutError' || signal.aborted;
    throw new WebsubError(timeout ? 'WEBSUB_TIMEOUT' : 'WEBSUB_TRANSPORT', timeout ? 'the hub did not answer in time' : 'the hub could not be reached', { retryable: true, cause: err });
  } finally {
    timer.dispose();
  }
}

/** Bodies above this many bytes are paced (see hubCall). */
const PACE_ABOVE = 64 * 1024;

/** A body's size in bytes; a factory's is unknown, so taken as more than any bound. */
const byteSize = (body: BodySource) => (typeof body === 'string' ? Buffer.byteLength(body) : typeof body === 'function' ? Infinity : body.byteLength);

async function* once(body: string | Uint8Array): AsyncGenerator<string | Uint8Array> {
  yield body;
}

async function readSome(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
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

/** A fetch refused by an outbound policy (code `OUTBOUND_DENIED` on the error or, through undici, on its cause). */
function outboundDenied(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  return e?.code === 'OUTBOUND_DENIED' || e?.cause?.code === 'OUTBOUND_DENIED';
}
