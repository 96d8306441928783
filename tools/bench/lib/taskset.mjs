import { spawnSync } from 'node:child_process';

/**
 * Pins every thread of process `pid` to `cpus` (taskset(1) syntax: `0`, `0,1`, `0-3`); threads and child processes it
 * starts later inherit the set. Throws when taskset is missing or refuses (a CPU this machine does not have).
 *
 * @example
 * pinToCpus(process.pid, '0'); // this process on core 0 only
 */
export function pinToCpus(pid, cpus) {
  const r = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset -c ${cpus} ${pid} failed: ${(r.stderr || r.error?.message || '').trim()}`);
}
