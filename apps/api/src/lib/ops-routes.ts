import { Router, type RequestHandler } from 'express';
import { histogramIn, OPS_PATHS, type MetricsRegistry, type OpsHandlers } from '@mts/service-kit';
import { EXACT, methodGuard } from './exact-routes.js';

/**
 * `GET /health/live`, `GET /health/ready` and `GET /metrics`, always at the root (never under `apiPathPrefix`: probes
 * and scrapers reach the pod directly) and never behind caller credentials. Another method there is 405.
 */
export function opsRoutes(ops: OpsHandlers): Router {
  const router = Router(EXACT);
  const guard = methodGuard(router);
  router.use(guard.before);
  router.get(OPS_PATHS.live, (req, res) => ops.live(req, res));
  router.get(OPS_PATHS.ready, (req, res) => ops.ready(req, res));
  router.get(OPS_PATHS.metrics, (req, res) => ops.metrics(req, res));
  router.use(guard.after);
  return router;
}

/**
 * Observes each HTTP request in `mts_http_request_duration_seconds{method, route, status}`. `route` is the matched
 * route's pattern (`/authtoken/status/:id`, without the path prefix), or `unmatched`, so ids never become labels.
 */
export function httpMetrics(registry: MetricsRegistry): RequestHandler {
  const histogram = histogramIn(registry, {
    name: 'mts_http_request_duration_seconds',
    help: 'HTTP requests served by the API, by method, route pattern and status, with their duration in seconds',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      histogram.observe({ method: req.method, route: typeof route === 'string' ? route : 'unmatched', status: String(res.statusCode) }, seconds);
    });
    next();
  };
}
