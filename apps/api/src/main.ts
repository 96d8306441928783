// Runnable API: `node apps/api/dist/main.js`. Reads the environment once, exits non-zero on bad settings.
import { exitOnStartFailure, installLastResortHandlers } from '@mts/service-kit';
import { loadConfig } from './config.js';
import { startApi, type RunningApi } from './lib/server.js';
import { createLogger } from './lib/logger.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });
  let started: RunningApi | undefined;
  // A failure nobody handled: close the server (bounded), then exit 1.
  installLastResortHandlers({ log: logger, shutdown: () => started?.close() });
  const api = (started = await startApi(config, { logger }));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('api stopping', { signal });
    api.close().then(
      () => process.exit(0),
      (err: Error) => {
        logger.error('api stop failed', { message: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

// One line (a ConfigError's problems follow it): code, safe message, cause's code; exit 2 for settings, else 1.
main().catch((error: unknown) => exitOnStartFailure('api', error));
