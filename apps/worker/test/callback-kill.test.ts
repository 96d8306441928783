// A worker process killed with SIGKILL in the middle of a per-record callback (json, callInBulk false): the re-run
// sends only the records not yet marked delivered. Counted at the callback receiver by Idempotency-Key.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, startCallbackReceiver, type CallbackReceiver, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { loadConfig } from '../src/config.js';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, submit, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

// The receiver answers this many records, then hangs on the next one, where the worker is killed.
const ANSWERED_BEFORE_KILL = 17;
// The worker writes delivery marks every 10 outcomes (or 100 ms): a kill loses at most 9.
const MAX_LOST_MARKS = 9;

let dir: TempDir;
let sandbox: RunningSandbox;
let rx: CallbackReceiver;
let api: Store | undefined;
let second: RunningWorker | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('callback-kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 40 });
  rx = await startCallbackReceiver({ holdAfter: ANSWERED_BEFORE_KILL });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await second?.stop();
  await api?.close();
  await rx.close();
  await sandbox.close();
  await dir.remove();
});

test('SIGKILL mid-callback, restart: only undelivered records are sent again, each record received at least once', async () => {
  const env = testEnv(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(loadConfig(env));
  const people = sandboxPeople(sandbox);
  const n = people.length;
  const first = spawnWorker(env);
  children.push(first);
  const id = await submit(api, 'ndjson', people, {
    output: 'json',
    deliverytype: 'callback',
    // Longer than the test waits: the held call is cut by the kill, not by a timeout.
    callbackProperties: { url: `${rx.url}/callback/post/json/noauth`, timeoutSeconds: 60 },
  });

  await waitFor(async () => rx.held === 1, 60_000, 'the callback to hang');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');
  await waitFor(async () => rx.held === 0, 5_000, 'the held call to be dropped');

  expect(rx.calls).toHaveLength(ANSWERED_BEFORE_KILL);
  const undeliveredAtKill = await api.countUndelivered(id);
  const markedAtKill = n - undeliveredAtKill;
  expect(markedAtKill).toBeLessThanOrEqual(ANSWERED_BEFORE_KILL);
  expect(markedAtKill).toBeGreaterThanOrEqual(ANSWERED_BEFORE_KILL - MAX_LOST_MARKS);
  expect((await api.getRequest(id))!).toMatchObject({ phase: 'delivering', deliveryState: 'pending' });

  rx.release();
  second = await startWorker(loadConfig(env), { authenticator: fakeAuthenticator().auth });
  const done = await waitDone(api, id, 60_000);
  expect(done).toMatchObject({ deliveryState: 'delivered', status: expect.stringMatching(/^processed/) });
  expect(await api.countUndelivered(id)).toBe(0);

  const sends = new Map<string, number>();
  for (const c of rx.calls) sends.set(String(c.headers['idempotency-key']), (sends.get(String(c.headers['idempotency-key'])) ?? 0) + 1);
  const keys = Array.from({ length: n }, (_, i) => `${id}:${i + 1}`);
  // Every record at least once; the re-run sent exactly what was undelivered, so only unmarked ones came twice.
  expect(keys.filter((k) => !sends.has(k))).toEqual([]);
  expect(rx.calls.length - ANSWERED_BEFORE_KILL).toBe(undeliveredAtKill);
  expect(rx.calls.length).toBe(n + (ANSWERED_BEFORE_KILL - markedAtKill));
  expect(rx.calls.length).toBeLessThanOrEqual(n + MAX_LOST_MARKS);
  const twice = [...sends].filter(([, count]) => count > 1).map(([k]) => k);
  expect(twice).toEqual(keys.slice(markedAtKill, ANSWERED_BEFORE_KILL));
  expect([...sends.values()].every((count) => count <= 2)).toBe(true);
});
