// WebSub delivery from the deliver job, over real HTTP: the worker publishes to the hub stand-in, which hands the
// content to a subscriber that checks the X-Hub-Signature of every delivery.
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startTestSubscriber, startWebsubHub, type RunningWebsubHub, type TestSubscriber } from '@mts/websub-hub';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, readOutput, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

const SECRET = 'synthetic-subscriber-secret';
const TOPICS = ['tokens/json-records', 'tokens/json-bulk', 'tokens/csv-bulk', 'tokens/format'];

let dir: TempDir;
let api: Store;
let worker: RunningWorker;
let hub: RunningWebsubHub;
const subs = new Map<string, TestSubscriber>();

beforeAll(async () => {
  dir = await createTempDir('websub-');
  hub = await startWebsubHub({ retryDelayMs: 10, topics: TOPICS });
  for (const topic of TOPICS) {
    const sub = await startTestSubscriber({ secret: SECRET });
    await sub.subscribe(hub.url, topic);
    subs.set(topic, sub);
  }
  await hub.idle();
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  worker = await startWorker(config, {
    authenticator: fakeAuthenticator().auth,
    deliveryOptions: { websub: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } },
  });
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await Promise.all([...subs.values()].map((s) => s.close()));
  await hub.close();
  await dir.remove();
});

const expectedTokens = (n: number) =>
  people(n).map((p, k) => {
    const vid = String(p.vid);
    if (k % 10 === 7) return [vid, null];
    return [vid, vid.endsWith('9') ? null : `tok-${vid}`];
  });

test('json, per record: one signed message per record reaches the subscriber, every token included', async () => {
  const topic = 'tokens/json-records';
  const id = await submit(api, 'ndjson', people(12), { output: 'json', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic } });
  expect(await waitDone(api, id)).toMatchObject({ status: 'processed_with_errors', deliveryState: 'delivered', lastError: null });
  await hub.idle();
  const received = subs.get(topic)!.received;
  expect(received).toHaveLength(12);
  expect(received.every((r) => r.signatureValid && r.contentType === 'application/json')).toBe(true);
  const rows = received.map((r) => JSON.parse(r.body) as { vid: string; token: string | null; status: string });
  expect(rows.map((r) => [r.vid, r.token]).sort()).toEqual(expectedTokens(12).sort());
  expect(await api.countUndelivered(id)).toBe(0);
  // The hub saw only publishes that it accepted; the topic existed, so register was answered "already registered".
  expect(hub.publishes().filter((p) => p.topic === topic).every((p) => p.outcome === 'accepted')).toBe(true);
});

test('json in bulk: the whole array in one signed message', async () => {
  const topic = 'tokens/json-bulk';
  const id = await submit(api, 'ndjson', people(5), { output: 'json', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic, callInBulk: true } });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'processed', deliveryState: 'delivered' });
  await hub.idle();
  const received = subs.get(topic)!.received;
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ contentType: 'application/json', signatureValid: true });
  const rows = JSON.parse(received[0]!.body) as { vid: string; token: string | null }[];
  expect(rows.map((r) => [r.vid, r.token])).toEqual(expectedTokens(5));
  // The published message is exactly the downloadable output.
  expect(received[0]!.body).toBe(await readOutput(api, done));
});

test('csv in bulk: the CSV file (header and every row) as text/csv', async () => {
  const topic = 'tokens/csv-bulk';
  const id = await submit(api, 'ndjson', people(4), { output: 'csv', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic, callInBulk: true } });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'processed', deliveryState: 'delivered' });
  await hub.idle();
  const [message] = subs.get(topic)!.received;
  expect(message).toMatchObject({ contentType: 'text/csv; charset=utf-8', signatureValid: true });
  const lines = message!.body.trim().split(/\r?\n/);
  expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
  expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(expectedTokens(4).map(([vid, tok]) => `${vid},processed,${tok}`));
  expect(message!.body).toBe(await readOutput(api, done));
});

test('per record with an outputFormat: each message is what the jq template makes of the record', async () => {
  const topic = 'tokens/format';
  const id = await submit(api, 'ndjson', people(3), {
    output: 'json',
    deliverytype: 'websub',
    outputFormat: '{id: .output.vid, t: .output.token}',
    websubProperties: { hubUrl: hub.url, topic },
  });
  expect(await waitDone(api, id)).toMatchObject({ deliveryState: 'delivered' });
  await hub.idle();
  expect(subs.get(topic)!.received.map((r) => JSON.parse(r.body)).sort((a, b) => a.id.localeCompare(b.id))).toEqual(expectedTokens(3).map(([id, t]) => ({ id, t })));
});

test('the worker registers a new topic itself (register defaults to true)', async () => {
  const topic = 'tokens/fresh';
  const id = await submit(api, 'ndjson', people(2), { output: 'json', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic } });
  expect(await waitDone(api, id)).toMatchObject({ deliveryState: 'delivered' });
  expect(hub.topics()).toContain(topic);
  expect(hub.publishes().filter((p) => p.topic === topic).map((p) => p.outcome)).toEqual(['accepted', 'accepted']);
});

test('a denied publish (unregistered topic, register: false) ends error_making_websub_request with the hub reason; the output stays downloadable', async () => {
  const id = await submit(api, 'ndjson', people(3), {
    output: 'json',
    deliverytype: 'websub',
    websubProperties: { hubUrl: hub.url, topic: 'tokens/unknown', register: false },
  });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({
    status: 'error_making_websub_request',
    deliveryState: 'failed',
    lastError: 'WEBSUB_DENIED: Topic [tokens/unknown] is not registered with the Hub',
    hasOutput: true,
  });
  // A denial is not retried: one publish per record, each denied.
  expect(hub.publishes().filter((p) => p.topic === 'tokens/unknown').map((p) => p.outcome)).toEqual(['denied', 'denied', 'denied']);
  expect(await api.countUndelivered(id)).toBe(3);
  expect((JSON.parse(await readOutput(api, done)) as unknown[]).length).toBe(3);
});

test('an unreachable hub ends error_making_websub_request (WEBSUB_TRANSPORT); the output stays downloadable', async () => {
  const id = await submit(api, 'ndjson', people(2), {
    output: 'csv',
    deliverytype: 'websub',
    websubProperties: { hubUrl: 'http://127.0.0.1:1/hub', topic: 'tokens', callInBulk: true, timeoutSeconds: 2 },
  });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'error_making_websub_request', deliveryState: 'failed', lastError: 'WEBSUB_TRANSPORT', hasOutput: true });
  expect((await readOutput(api, done)).trim().split(/\r?\n/)).toHaveLength(3);
});

test('with the outbound policy on (its default), a loopback hub is refused without a call: WEBSUB_OUTBOUND_DENIED', async () => {
  const own = await createTempDir('websub-ssrf-');
  const config = testConfig(own.path, { MTS_OUTBOUND_ALLOW: '' });
  const store = await openApiStore(config);
  const guarded = await startWorker(config, { authenticator: fakeAuthenticator().auth, deliveryOptions: { websub: { attempts: 2, backoffBaseMs: 5 } } });
  try {
    const before = hub.publishes().length;
    const topicsBefore = hub.topics().length;
    const id = await submit(store, 'ndjson', people(2), { output: 'json', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic: 'tokens/ssrf' } });
    const done = await waitDone(store, id);
    expect(done).toMatchObject({ status: 'error_making_websub_request', deliveryState: 'failed', lastError: 'WEBSUB_OUTBOUND_DENIED', hasOutput: true });
    expect(hub.publishes()).toHaveLength(before);
    expect(hub.topics()).toHaveLength(topicsBefore);
  } finally {
    await guarded.stop();
    await store.close();
    await own.remove();
  }
});

test("a hub that checks MOSIP's Authorization cookie: accepted with authToken, refused without", async () => {
  const guarded = await startWebsubHub({ acceptTokens: ['synthetic-hub-token'], retryDelayMs: 10 });
  try {
    const ok = await submit(api, 'ndjson', people(2), {
      output: 'json',
      deliverytype: 'websub',
      websubProperties: { hubUrl: guarded.url, topic: 'tokens', authToken: 'synthetic-hub-token' },
    });
    expect(await waitDone(api, ok)).toMatchObject({ deliveryState: 'delivered' });
    const refused = await submit(api, 'ndjson', people(2), { output: 'json', deliverytype: 'websub', websubProperties: { hubUrl: guarded.url, topic: 'tokens' } });
    expect(await waitDone(api, refused)).toMatchObject({ status: 'error_making_websub_request', lastError: 'WEBSUB_DENIED: Authorization cookie is missing' });
    expect(guarded.publishes().map((p) => [p.authorized, p.outcome])).toEqual([
      [true, 'accepted'],
      [true, 'accepted'],
    ]);
  } finally {
    await guarded.close();
  }
});
