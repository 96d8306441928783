// A worker process killed with SIGKILL in the middle of per-record WebSub publishing (json, callInBulk false): the
// re-run publishes only the records the hub had not yet accepted (as far as the marks written before the kill say).
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startTestSubscriber, startWebsubHub, type RunningWebsubHub, type TestSubscriber } from '@mts/websub-hub';
import { loadConfig } from '../src/config.js';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, submit, testEnv, waitDone, waitFor } from './helpers.js';
import { exited, spawnWorker } from './process.js';
import { sandboxAuthEnv, sandboxPeople } from './sandbox-env.js';

jest.setTimeout(120_000);

// The hub accepts this many publishes, then holds the next one unanswered, where the worker is killed.
const ACCEPTED_BEFORE_KILL = 17;
// The worker writes delivery marks every 10 outcomes (or 100 ms): a kill loses at most 9.
const MAX_LOST_MARKS = 9;
const TOPIC = 'tokens/kill';

let dir: TempDir;
let sandbox: RunningSandbox;
let hub: RunningWebsubHub;
let sub: TestSubscriber;
let api: Store | undefined;
let second: RunningWorker | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await createTempDir('websub-kill-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), port: 0, identityCount: 40 });
  hub = await startWebsubHub({ retryDelayMs: 10, topics: [TOPIC] });
  sub = await startTestSubscriber({ secret: 'synthetic-kill-secret' });
  await sub.subscribe(hub.url, TOPIC);
  await hub.idle();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await second?.stop();
  await api?.close();
  await sub.close();
  await hub.close();
  await sandbox.close();
  await dir.remove();
});

test('SIGKILL mid-publishing, restart: only what the hub had not accepted is published again; the subscriber gets every token', async () => {
  const env = testEnv(join(dir.path, 'data'), {
    ...sandboxAuthEnv(sandbox),
    MTS_JOB_LOCK_LIFETIME_MS: '1500',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
  });
  api = await openApiStore(loadConfig(env));
  const people = sandboxPeople(sandbox);
  const n = people.length;
  const lineOf = new Map(people.map((p, i) => [String(p.vid), i + 1]));
  hub.holdPublishesAfter(ACCEPTED_BEFORE_KILL);
  const first = spawnWorker(env);
  children.push(first);
  const id = await submit(api, 'ndjson', people, {
    output: 'json',
    deliverytype: 'websub',
    // Longer than the test waits: the held publish is cut by the kill, not by a timeout.
    websubProperties: { hubUrl: hub.url, topic: TOPIC, timeoutSeconds: 60 },
  });

  await waitFor(async () => hub.held === 1, 60_000, 'a publish to hang');
  first.kill('SIGKILL');
  expect(await exited(first)).toBe('SIGKILL');
  await waitFor(async () => hub.held === 0, 5_000, 'the held publish to be dropped');

  const accepted = () => hub.publishes().filter((p) => p.topic === TOPIC && p.outcome === 'accepted');
  expect(accepted()).toHaveLength(ACCEPTED_BEFORE_KILL);
  const undeliveredAtKill = await api.countUndelivered(id);
  const markedAtKill = n - undeliveredAtKill;
  expect(markedAtKill).toBeLessThanOrEqual(ACCEPTED_BEFORE_KILL);
  expect(markedAtKill).toBeGreaterThanOrEqual(ACCEPTED_BEFORE_KILL - MAX_LOST_MARKS);
  expect((await api.getRequest(id))!).toMatchObject({ phase: 'delivering', deliveryState: 'pending' });

  hub.release();
  second = await startWorker(loadConfig(env), { authenticator: fakeAuthenticator().auth });
  const done = await waitDone(api, id, 60_000);
  expect(done).toMatchObject({ deliveryState: 'delivered', status: expect.stringMatching(/^processed/) });
  expect(await api.countUndelivered(id)).toBe(0);

  const sends = new Map<number, number>();
  for (const p of accepted()) {
    const line = lineOf.get(String((JSON.parse(p.body) as { vid: string }).vid))!;
    sends.set(line, (sends.get(line) ?? 0) + 1);
  }
  const lines = Array.from({ length: n }, (_, i) => i + 1);
  // Every record accepted at least once; the re-run published exactly what was unmarked, so only those came twice.
  expect(lines.filter((l) => !sends.has(l))).toEqual([]);
  expect(accepted().length - ACCEPTED_BEFORE_KILL).toBe(undeliveredAtKill);
  expect([...sends].filter(([, count]) => count > 1).map(([l]) => l)).toEqual(lines.slice(markedAtKill, ACCEPTED_BEFORE_KILL));
  expect([...sends.values()].every((count) => count <= 2)).toBe(true);

  // The subscriber got every record's message, each signed with its secret.
  await hub.idle();
  expect(sub.received.every((r) => r.signatureValid)).toBe(true);
  expect(new Set(sub.received.map((r) => (JSON.parse(r.body) as { vid: string }).vid))).toEqual(new Set(lineOf.keys()));
});
