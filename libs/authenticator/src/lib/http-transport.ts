import http from 'node:http';
import https from 'node:https';
import type { Transport, TransportRequest, TransportResponse } from './types.js';

/** Options for {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Connections kept per protocol (and host). Default 64. */
  maxSockets?: number;
  /** Extra TLS options for https, e.g. `{ ca }` for a private CA. */
  tls?: https.AgentOptions;
}

/** A transport failure; `timeout` tells a timeout from a network error. Never carries the URL (it holds keys). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly timeout: boolean,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/**
 * The default transport: node:http/https over keep-alive agents, with a timeout per request covering connect,
 * send and the whole response.
 *
 * @example
 * const transport = createHttpTransport({ maxSockets: 32 });
 * const res = await transport.send({ url, headers, body, timeoutMs: 10_000 });
 * await transport.close?.();
 */
export function createHttpTransport(options: HttpTransportOptions = {}): Transport {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent({ ...options.tls, ...agentOptions });
  const urls = new Map<string, URL>();

  function send(request: TransportRequest): Promise<TransportResponse> {
    let url = urls.get(request.url);
    if (!url) {
      url = new URL(request.url);
      urls.set(request.url, url);
    }
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: 'POST',
          agent: secure ? httpsAgent : httpAgent,
          headers: { ...request.headers, 'Content-Length': String(request.body.length) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', fail);
        },
      );
      const timer = setTimeout(
        () => req.destroy(new TransportError(`no complete answer within ${request.timeoutMs} ms`, true)),
        request.timeoutMs,
      );
      function fail(err: Error): void {
        clearTimeout(timer);
        if (err instanceof TransportError) reject(err);
        else reject(new TransportError(`network error ${(err as NodeJS.ErrnoException).code ?? err.name}`, false));
      }
      req.on('error', fail);
      req.end(request.body);
    });
  }

  return {
    send,
    async close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
