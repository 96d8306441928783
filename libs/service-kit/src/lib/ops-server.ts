import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPS_PATHS, type OpsHandlers } from './health.js';

/** A running {@link startOpsServer}. */
export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Serves {@link OpsHandlers} alone on `host:port` (the worker's `MTS_WORKER_HTTP_PORT`): GET or HEAD on the three
 * paths, 405 with `Allow` for another method there, 404 elsewhere. No credentials: keep the port off the public net.
 * @example const ops = await startOpsServer({ port: 9464, handlers }); … await ops.close();
 */
export async function startOpsServer(options: { port: number; host?: string; handlers: OpsHandlers }): Promise<OpsServer> {
  const routes = new Map<string, OpsHandlers['live']>([
    [OPS_PATHS.live, options.handlers.live],
    [OPS_PATHS.ready, options.handlers.ready],
    [OPS_PATHS.metrics, options.handlers.metrics],
  ]);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler = routes.get(path);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!handler) return json(404, { detail: 'Not Found' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { detail: 'Method Not Allowed' }, { allow: 'GET, HEAD' });
    handler(req, res);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
