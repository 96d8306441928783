// The parent/child split the benches share: the IDA side runs in a copy of the bench script forked with --child,
// so its CPU is counted apart from the client's. The two talk in messages: the child sends `ready` once, then
// answers each `cpu` with its CPU used since start, and on `close` shuts down and disconnects.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Parent side: forks `scriptUrl` with this process's arguments plus `--child` and waits for its `ready` message.
 * `cpu()` resolves to the child's whole `cpu` answer (`{ cpu, ...whatever its reporter added }`).
 */
export async function forkBenchChild(scriptUrl) {
  const child = fork(fileURLToPath(scriptUrl), [...process.argv.slice(2), '--child'], { stdio: 'inherit' });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
  const next = () => new Promise((r) => (messages.length ? r(messages.shift()) : waiters.push(r)));
  // A child that dies before it is ready (a bad option, a failed pin) fails the bench instead of hanging it.
  const ready = await new Promise((resolve, reject) => {
    const early = (code, signal) => reject(new Error(`bench child exited (${code ?? signal}) before it was ready`));
    child.once('exit', early);
    next().then((m) => (child.off('exit', early), resolve(m)));
  });
  return {
    ready,
    cpu: async () => (child.send({ type: 'cpu' }), await next()),
    close: async () => {
      child.send({ type: 'close' });
      await new Promise((r) => child.on('exit', r));
    },
  };
}

/**
 * Child side: sends `ready` with `info`, then serves the parent's `cpu` and `close` messages.
 * `cpu0` is the process.cpuUsage() taken at the child's start; `report()` adds fields to each `cpu` answer.
 */
export function serveBenchParent({ cpu0, info, close, report = () => ({}) }) {
  process.send({ type: 'ready', ...info, cpuAtReady: process.cpuUsage(cpu0) });
  process.on('message', async (msg) => {
    if (msg.type === 'cpu') process.send({ type: 'cpu', cpu: process.cpuUsage(cpu0), ...report() });
    if (msg.type === 'close') {
      await close();
      process.disconnect();
    }
  });
}

/**
 * Child side: starts the IDA sandbox on a loopback port in a fresh temp data dir, removed again by `close()`.
 * `info` is what the parent needs to build requests: the url, the partner material and the identity store.
 */
export async function startTempSandbox(prefix, options) {
  const { startSandbox } = await import('@mts/ida-sandbox');
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const sandbox = await startSandbox({ dataDir, port: 0, host: '127.0.0.1', ...options });
  return {
    sandbox,
    info: { url: sandbox.url, partner: sandbox.partner, identitiesPath: sandbox.identitiesPath },
    close: async () => {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
