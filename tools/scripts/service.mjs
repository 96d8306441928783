#!/usr/bin/env node
// The API and the worker in one process: what `npm start` runs by default. One Node runtime and one copy of the
// shared libraries instead of two keeps the embedded service small; production can still run them apart
// (`node apps/api/dist/main.js`, `node apps/worker/dist/main.js`, any number of workers).
import { createLogger, loadConfig as loadApiConfig, startApi } from '@mts/api';
import { createMetricsRegistry, exitOnStartFailure, installLastResortHandlers } from '@mts/service-kit';
import { loadConfig as loadWorkerConfig, startWorker } from '@mts/worker';

// The apps' own line: code, safe message, cause's code (a ConfigError's problems follow); exit 2 for settings, else 1.
const failedToStart = (error) => exitOnStartFailure('service', error);

let apiConfig;
let workerConfig;
try {
  apiConfig = loadApiConfig(process.env);
  workerConfig = loadWorkerConfig(process.env);
} catch (error) {
  failedToStart(error);
}

const logger = createLogger({ level: apiConfig.logLevel });
let api;
let worker;
// A failure nobody handled: close the API, drain the worker (bounded), then exit 1.
installLastResortHandlers({ log: logger, shutdown: async () => {
  await api?.close();
  await worker?.stop();
} });

try {
  // One registry for both: the API's /metrics (and the worker's MTS_WORKER_HTTP_PORT, if set) has every metric of
  // the process once, process_* included.
  const metrics = createMetricsRegistry();
  // This process runs one worker; MTS_WORKER_PROCESSES is the worker main's (start.mjs runs that apart when it is not 1).
  if (workerConfig.workerProcesses > 1) {
    logger.warn('MTS_WORKER_PROCESSES is ignored by the bundled service: one worker runs in this process', { workerProcesses: workerConfig.workerProcesses });
  }
  worker = await startWorker(workerConfig, { metrics });
  // A stored request starts at once instead of at the worker's next poll of the store.
  api = await startApi(apiConfig, { logger, metrics, enqueue: (id) => worker.submitted(id).catch(() => undefined) });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // API first (no new requests), then the worker drains; Agenda keeps a timer, so exit explicitly.
    api
      .close()
      .then(() => worker.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  failedToStart(error);
}
