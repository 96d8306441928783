import type https from 'node:https';
import { Pool, util as undiciUtil, type Dispatcher } from 'undici';
import type { Transport, TransportRequest, TransportResponse } from './types.js';

/** Options for {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Keep-alive connections per origin. Default 64. */
  maxSockets?: number;
  /** Extra TLS options for https, e.g. `{ ca }` for a private CA (handed to `tls.connect`). */
  tls?: https.AgentOptions;
  /**
   * Largest answer body read, in bytes; a longer one is cut off and fails (not retried). Default 1 MiB: IDA's
   * answers are under 10 KB, and buffering whatever a misrouted endpoint sends could exhaust the memory.
   */
  maxAnswerBytes?: number;
}

/**
 * A transport failure; `timeout` tells a timeout from a network error. `retryable` is false when another attempt
 * cannot help (an answer over `maxAnswerBytes`, a closed transport). Never carries the URL (it holds keys).
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timeout: boolean,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * The default transport: one undici connection pool per origin (keep-alive, no pipelining), with a timeout per
 * request covering the wait for a connection, connect, send and the whole response.
 *
 * undici's handler interface is used directly rather than node:http or fetch: no stream objects per request, which
 * halves the client's CPU per call (bench:auth --server echo; see docs/performance.md).
 *
 * @example
 * const transport = createHttpTransport({ maxSockets: 32 });
 * const res = await transport.send({ url, headers, body, timeoutMs: 10_000 });
 * await transport.close?.();
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const connections = options.maxSockets ?? 64;
  const maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
  let closed = false;
  const pools = new Map<string, Pool>();
  // The URL of an authenticator never changes: parse it once.
  const targets = new Map<string, { origin: string; path: string }>();

  function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (!pool) {
      const tls = origin.startsWith('https:') && options.tls ? { connect: { ...options.tls } as Pool.Options['connect'] } : {};
      pool = new Pool(origin, { connections, pipelining: 1, ...tls });
      pools.set(origin, pool);
    }
    return pool;
  }

  function send(request: TransportRequest): Promise<TransportResponse> {
    // A closed transport opens no new pool: that one would never be closed, and would send after the owner stopped.
    if (closed) return Promise.reject(new TransportError('transport is closed', false, false));
    let target = targets.get(request.url);
    if (!target) {
      const url = new URL(request.url);
      target = { origin: url.origin, path: url.pathname + url.search };
      targets.set(request.url, target);
    }
    const pool = poolFor(target.origin);
    return new Promise((resolve, reject) => {
      // A request may wait in the pool for a free connection: the timeout then settles it at once, and undici's
      // abort (handed over only when the request is written) is called as soon as it exists.
      let abort: ((err?: Error) => void) | undefined;
      let settled = false;
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      let received = 0;
      const timer = setTimeout(() => {
        settled = true;
        abort?.();
        reject(new TransportError(`no complete answer within ${request.timeoutMs} ms`, true));
      }, request.timeoutMs);
      const handler: Dispatcher.DispatchHandlers = {
        onConnect(abortRequest) {
          abort = abortRequest;
          if (settled) abortRequest();
        },
        onHeaders(statusCode, rawHeaders) {
          status = statusCode;
          headers = undiciUtil.parseHeaders(rawHeaders as unknown as Buffer[]) as Record<string, string | string[]>;
          return true;
        },
        onData(chunk) {
          if (settled) return false;
          received += chunk.length;
          if (received > maxAnswerBytes) {
            settled = true;
            clearTimeout(timer);
            abort?.();
            reject(new TransportError(`answer larger than ${maxAnswerBytes} bytes`, false, false));
            return false;
          }
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        },
        onError(err) {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(new TransportError(`network error ${networkCode(err)}`, false));
        },
      };
      pool.dispatch({ path: target.path, method: 'POST', headers: request.headers, body: request.body }, handler);
    });
  }

  return {
    send,
    async close() {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((pool) => pool.destroy()));
    },
  };
}

// undici wraps socket errors; the system code (ECONNREFUSED, ECONNRESET…) is on the error or its cause.
function networkCode(err: Error): string {
  const own = (err as NodeJS.ErrnoException).code;
  const cause = (err as { cause?: { code?: unknown } }).cause?.code;
  if (typeof cause === 'string' && (own === undefined || own.startsWith('UND_ERR'))) return cause;
  return own ?? err.name;
}
