// Runnable worker: `node apps/worker/dist/main.js` (settings from the environment; see the README). With
// MTS_WORKER_PROCESSES above 1 (the default `auto`: one per core) this process supervises that many copies of itself,
// each running the worker with its share of MTS_IDA_CONCURRENCY; with 1 it runs the worker itself.
import { fork } from 'node:child_process';
import { exitOnStartFailure, installLastResortHandlers } from '@mts/service-kit';
import { loadConfig, supervisedChildEnv, type WorkerConfig } from './config.js';
import { createLogger, type Logger } from './lib/logger.js';
import { ChildStartError, startSupervisor } from './lib/supervisor.js';
import type { RunningWorker } from './lib/worker.js';

async function runWorker(config: WorkerConfig, log: Logger): Promise<void> {
  let worker: RunningWorker | undefined;
  // A failure nobody handled: drain what can be drained (bounded), then exit 1.
  installLastResortHandlers({ log, shutdown: () => worker?.stop() });
  // A stop asked for while the worker starts (or the supervisor gone by then) is kept and acted on once it runs:
  // the default action would end a child that is merely starting by the signal, which its supervisor counts as a failure.
  let stopAsked = false;
  let shutdown = () => {
    stopAsked = true;
  };
  const onStop = () => shutdown();
  process.once('SIGTERM', onStop);
  process.once('SIGINT', onStop);
  // The supervisor is gone (killed): drain and go too, rather than run on unsupervised.
  if (config.supervised) process.once('disconnect', onStop);
  // Loaded here, not at the top: a supervisor never needs the store, queue and authenticator (about 30 MB of RSS).
  const { startWorker } = await import('./lib/worker.js');
  worker = await startWorker(config, { logger: log });
  const running = worker;
  shutdown = () => {
    // Agenda keeps a timer alive after stop, so the process exits explicitly once everything is released.
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  if (stopAsked) return shutdown();
  if (config.supervised && process.connected) process.send?.({ type: 'ready' });
}

async function runSupervisor(config: WorkerConfig, log: Logger): Promise<void> {
  const of = config.workerProcesses;
  const supervisor = startSupervisor({
    processes: of,
    log,
    // The same entry point and Node flags as this process; the marker in its environment makes it a child.
    fork: (index) =>
      fork(process.argv[1] as string, process.argv.slice(2), {
        env: supervisedChildEnv(process.env, index, of),
        execArgv: process.execArgv,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
  });
  installLastResortHandlers({ log, shutdown: () => supervisor.stop().then(() => undefined) });
  const shutdown = () => supervisor.stop().then((code) => process.exit(code));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  log.info('worker supervisor started', { processes: of, idaConcurrency: config.idaConcurrency, pid: process.pid });
  try {
    await supervisor.ready;
  } catch (error) {
    if (error instanceof ChildStartError) process.exit(typeof error.exitCode === 'number' ? error.exitCode : 1);
    throw error;
  }
  process.send?.({ type: 'ready' });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel });
  await (config.workerProcesses > 1 ? runSupervisor(config, log) : runWorker(config, log));
}

// One line (a ConfigError's problems follow it): code, safe message, cause's code; exit 2 for settings, else 1.
main().catch((error: unknown) => exitOnStartFailure('worker', error));
