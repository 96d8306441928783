import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createAuthenticator } from '@mts/authenticator';
import { dataKeyAdvice, loadOrCreateDataKey, openStore, type Store } from '@mts/store';
import { storeTarget } from '@mts/service-kit';
import { createMetricsRegistry, ensureProcessMetrics, opsHandlers, scrapedGauge, tcpReachable, type MetricsRegistry, type ReadinessCheck } from '@mts/service-kit';
import getSwaggerUiDir from 'swagger-ui-dist/absolute-path.js';
import type { ApiConfig } from '../config.js';
import { createApp } from './app.js';
import { continueWhenAccepted } from './declared-length.js';
import { createLogger, type Logger } from './logger.js';
import { createStoreRequests, createStoreUploadStorage, type Enqueue } from './store-requests.js';
import { createSyncPort, fieldMappingEnvelope, fieldMappingSchemas } from './real-ports.js';
import { createCallerAuth } from './auth/caller-auth.js';
import type { OidcVerifierOptions } from './auth/oidc.js';

/** A running API. */
export interface RunningApi {
  url: string;
  port: number;
  store: Store;
  /** The registry served at /metrics (the one passed in, or the API's own). */
  metrics: MetricsRegistry;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes the store and authenticator. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts the API on `config.host:config.port` (port 0 picks a free one) over the shared store.
 * @example const api = await startApi(loadConfig(process.env)); console.log(api.url); … await api.close();
 */
export async function startApi(
  config: ApiConfig,
  options: {
    logger?: Logger;
    /** Called with each stored request's id; the worker polls for new requests anyway, this only saves the wait. */
    enqueue?: Enqueue;
    /** Tuning of the bearer-token check (JWKS cooldown, cache age); the defaults suit production. */
    oidc?: OidcVerifierOptions;
    /**
     * The registry served at `/metrics`; default a new one. Pass the worker's too when both run in one process
     * (tools/scripts/service.mjs), so one scrape has both apps' metrics.
     */
    metrics?: MetricsRegistry;
  } = {},
): Promise<RunningApi> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const keyring = loadOrCreateDataKey({ dataKey: config.dataKey, keyFile: config.dataKeyFile, previousKeys: config.previousDataKeys, create: !config.dataKeyFileMustExist });
  const store = await openStore({ ...storeTarget(config), keyring, podId: config.podId });
  const advice = dataKeyAdvice({ dataKey: config.dataKey, keyFile: config.dataKeyFile, dataDir: config.dataDir });
  if (advice) logger.warn(advice, { keyFile: config.dataKeyFile });
  const authConfig = config.authenticator;
  const sync = authConfig
    ? createSyncPort({
        authenticator: () => createAuthenticator(authConfig),
        mandatoryFields: config.mandatoryFields,
        defaultLang: config.defaultLang,
        nameDelimiter: config.nameDelimiter,
        addressDelimiter: config.addressDelimiter,
      })
    : undefined;
  const metrics = options.metrics ?? createMetricsRegistry();
  ensureProcessMetrics(metrics);
  const detachRequests = scrapedGauge(
    metrics,
    { name: 'mts_requests', help: 'Token seeder requests in the store, by status (read at scrape time)', labelNames: ['status'] },
    async () => Object.entries(await store.countRequestsByStatus()).map(([status, n]) => [{ status }, n ?? 0] as const),
  );
  // The API depends on the store only (it hands work over through it; it has no queue of its own), and on IDA
  // only where it authenticates itself: the sync endpoint.
  const checks: ReadinessCheck[] = [{ name: 'store', check: async () => void (await store.countRequestsByStatus()) }];
  if (authConfig) checks.push({ name: 'ida', check: () => tcpReachable(authConfig.idaAuthUrl) });
  const app = createApp({
    settings: config,
    logger,
    requests: createStoreRequests(store, options.enqueue),
    uploads: createStoreUploadStorage(store),
    envelope: fieldMappingEnvelope(),
    envelopeSchemas: fieldMappingSchemas(),
    sync,
    swaggerUiDir: getSwaggerUiDir(),
    auth: createCallerAuth(config.callerAuth, options.oidc ? { oidc: options.oidc } : {}),
    metrics,
    ops: opsHandlers({ registry: metrics, checks: () => checks }),
  });
  const server: Server = createServer(app);
  // Expect: 100-continue is answered only once the declared length is accepted (see declared-length.ts).
  server.on('checkContinue', continueWhenAccepted(app));
  // Uploads of large CSVs can take a while; idle keep-alive sockets should not hold shutdown.
  server.requestTimeout = 15 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}${config.apiPathPrefix.replace(/\/$/, '')}`;
  const callerAuth = [config.callerAuth.apiKeys ? 'apiKeys' : '', config.callerAuth.oidc ? 'oidc' : ''].filter(Boolean);
  logger.info('api listening', {
    port,
    prefix: config.apiPathPrefix,
    dataDir: dirname(config.storePath),
    syncOperationMode: config.syncOperationMode,
    sync: sync !== undefined,
    callerAuthentication: callerAuth.length > 0 ? callerAuth.join('+') : 'off',
  });
  return {
    url,
    port,
    store,
    metrics,
    async close({ graceMs = 5000 } = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      detachRequests();
      await sync?.close();
      await store.close();
    },
  };
}
