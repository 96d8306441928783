import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * Starts the worker as its own OS process (src/main.ts through SWC) with the given environment: one process
 * (MTS_WORKER_PROCESSES=1) unless `env` asks for a supervisor of several.
 */
export function spawnWorker(env: Record<string, string>, stdout: 'ignore' | 'pipe' = 'ignore', stderr: 'inherit' | 'pipe' = 'inherit'): ChildProcess {
  return fork(join(__dirname, 'fixtures', 'worker-process.cjs'), [], {
    env: { PATH: process.env.PATH ?? '', MTS_WORKER_PROCESSES: '1', ...env },
    execArgv: ['--conditions=@mts/source', '--disable-warning=ExperimentalWarning'],
    stdio: ['ignore', stdout, stderr, 'ipc'],
  });
}

/** Resolves with the exit code (or signal) once the process has ended. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
}
