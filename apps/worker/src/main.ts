// Runnable worker: `node apps/worker/dist/main.js` (settings from the environment; see the README).
import { installLastResortHandlers } from '@mts/service-kit';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './lib/logger.js';
import { startWorker, type RunningWorker } from './lib/worker.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel });
  let worker: RunningWorker | undefined;
  // A failure nobody handled: drain what can be drained (bounded), then exit 1.
  installLastResortHandlers({ log, shutdown: () => worker?.stop() });
  worker = await startWorker(config, { logger: log });
  const running = worker;
  const shutdown = () => {
    // Agenda keeps a timer alive after stop, so the process exits explicitly once everything is released.
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${(error as Error)?.name ?? 'Error'} ${(error as { code?: string })?.code ?? ''}\n`);
  process.exit(1);
});
