import express, { Router, type Express } from 'express';
import { randomUUID } from 'node:crypto';
import { errorHandler } from './error-handler.js';
import { parsesWhole, submitRoutes } from './routes/submit-routes.js';
import { queryRoutes } from './routes/query-routes.js';
import { syncHandler } from './routes/sync-route.js';
import { docsRoutes } from './routes/docs-routes.js';
import { defaultUiDir, uiRoutes } from './routes/ui-routes.js';
import { EXACT, methodGuard } from './exact-routes.js';
import { parsedJsonLimit, refuseDeclaredLength } from './declared-length.js';
import type { EnvelopePort, RequestsPort, SyncPort, UploadStorage } from './ports.js';
import type { Logger } from './logger.js';
import type { EnvelopeSchemas } from './openapi.js';
import { SOURCES, type InputSource } from '@mts/connectors';
import { callerPart, requireCaller, type CallerAuth } from './auth/caller-auth.js';
import { refuseCrossSite } from './auth/cross-site.js';
import type { MetricsRegistry, OpsHandlers } from '@mts/service-kit';
import { httpMetrics, opsRoutes } from './ops-routes.js';

/** Everything {@link createApp} needs; tests pass fakes for any of the ports. */
export interface AppDeps {
  settings: AppSettings;
  logger: Logger;
  requests: RequestsPort;
  uploads: UploadStorage;
  envelope: EnvelopePort;
  /** Absent: the sync endpoint answers ATS-REQ-106. */
  sync?: SyncPort;
  /** swagger-ui-dist's folder, for GET /docs. */
  swaggerUiDir: string;
  /** The web page's static files, for GET ui/; default the package's own (src/ui, or dist/ui when built). */
  uiDir?: string;
  /** The input sources served as POST authtoken/<kind>; default `@mts/connectors`' registry. */
  sources?: readonly InputSource[];
  /** Request envelope schemas for the OpenAPI document (normally `@mts/envelope`'s). */
  envelopeSchemas?: EnvelopeSchemas;
  /** Caller authentication for every authtoken/* route ({@link createCallerAuth}); absent or null: off, as in MTS. */
  auth?: CallerAuth | null;
  /** Where HTTP request metrics go; absent: none are kept. */
  metrics?: MetricsRegistry;
  /** The health and metrics endpoints, served at the root; absent: not served. */
  ops?: OpsHandlers;
}

/** The part of ApiConfig the HTTP layer uses. */
export interface AppSettings {
  apiPathPrefix: string;
  syncOperationMode: boolean;
  podName: string;
  workerId: number;
  maxUploadBytes: number;
  maxJsonBytes: number;
  /** Largest body parsed whole (sync, pulled sources); default {@link parsedJsonLimit}'s. */
  maxParsedJsonBytes?: number;
}

/**
 * Builds the Express app: MTS's routes under `apiPathPrefix`, plus authtoken/sync, authtoken/requests, /openapi.json,
 * /docs and the web page at /ui/ (/ redirects to it); a browser's call to authtoken/* from a page of another origin
 * (other than GET) is 403 ATS-AUTH-004; with `auth`, every authtoken/* call needs a credential (401 ATS-AUTH-001, 403 ATS-AUTH-002); with
 * `deps.ops`, /health/live, /health/ready and /metrics at the root (never behind credentials).
 * @example const app = createApp(deps); app.listen(8080);
 */
export function createApp(deps: AppDeps): Express {
  const { settings, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('case sensitive routing', true); // the prefix too: /AUTHTOKEN/… is not MTS's path
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const httpId = randomUUID();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('http', { httpId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms), ...callerPart(res) });
    });
    next();
  });
  if (deps.metrics) app.use(httpMetrics(deps.metrics));
  // Before the size check and any body parsing: a browser's cross-site submission (a hostile page's form) and an
  // unauthenticated upload are refused unread (ping, docs, openapi.json, health and metrics stay open: they are not
  // under authtoken/).
  app.use(`${settings.apiPathPrefix}authtoken`, refuseCrossSite());
  if (deps.auth) app.use(`${settings.apiPathPrefix}authtoken`, requireCaller(deps.auth, logger));
  const maxParsedJsonBytes = parsedJsonLimit(settings);
  // The bodies express.json parses whole: sync (and authtoken/json in sync operation mode), the pulled sources.
  const at = (kind: string) => `${settings.apiPathPrefix}authtoken/${kind}`;
  const parsedWhole = new Set([
    at('sync'),
    ...(settings.syncOperationMode ? [at('json')] : []),
    ...(deps.sources ?? SOURCES).filter(parsesWhole).map((s) => at(s.kind)),
  ]);
  app.use(
    refuseDeclaredLength({
      csvPath: at('csv'),
      maxUploadBytes: settings.maxUploadBytes,
      maxJsonBytes: settings.maxJsonBytes,
      limitFor: (path) => (parsedWhole.has(path) ? maxParsedJsonBytes : undefined),
    }),
  );

  const api = Router(EXACT);
  const guard = methodGuard(api);
  api.use(guard.before);
  const sync = syncHandler({ envelope: deps.envelope, sync: deps.sync, maxJsonBytes: maxParsedJsonBytes });
  api.post('/authtoken/sync', ...sync);
  // MTS's switch: with sync_operation_mode, POST authtoken/json is the synchronous call.
  if (settings.syncOperationMode) api.post('/authtoken/json', ...sync);
  api.use(submitRoutes({ ...deps, maxUploadBytes: settings.maxUploadBytes, maxJsonBytes: settings.maxJsonBytes, maxParsedJsonBytes }));
  api.use(queryRoutes({ requests: deps.requests, podName: settings.podName, workerId: settings.workerId }));
  api.use(docsRoutes({ prefix: settings.apiPathPrefix, swaggerUiDir: deps.swaggerUiDir, syncOperationMode: settings.syncOperationMode, schemas: deps.envelopeSchemas, callerAuth: deps.auth != null }));

  api.use(uiRoutes({ prefix: settings.apiPathPrefix, uiDir: deps.uiDir ?? defaultUiDir() }));

  api.use(guard.after);

  if (deps.ops) app.use(opsRoutes(deps.ops));
  app.use(settings.apiPathPrefix, api);
  app.use((_req, res) => {
    res.status(404).json({ detail: 'Not Found' });
  });
  app.use(errorHandler(logger, settings.maxUploadBytes));
  return app;
}
