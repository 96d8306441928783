// Runnable worker: `node apps/worker/dist/main.js` (settings from the environment; see the README).
import { ConfigError, loadConfig } from './config.js';
import { startWorker } from './lib/worker.js';

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
  const worker = await startWorker(config);
  const shutdown = () => {
    // Agenda keeps a timer alive after stop, so the process exits explicitly once everything is released.
    worker.stop().then(
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
