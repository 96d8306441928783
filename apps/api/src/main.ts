// Runnable API: `node apps/api/dist/main.js`. Reads the environment once, exits non-zero on bad settings.
import { installLastResortHandlers } from '@mts/service-kit';
import { ConfigError, loadConfig } from './config.js';
import { startApi, type RunningApi } from './lib/server.js';
import { createLogger } from './lib/logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
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

main().catch((err: Error) => {
  process.stderr.write(`api failed to start: ${err.name}: ${err.message}\n`);
  process.exit(1);
});
