import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deregister, publish, register } from './client.js';
import { deliverWebsub, type PublishResult } from './deliver.js';

interface Seen {
  mode: string | null;
  topic: string | null;
  contentType?: string;
  cookie?: string;
  tenant?: string;
  body: string;
}

let server: Server;
let hubUrl: string;
const seen: Seen[] = [];
// What the hub answers to the next calls, in order; afterwards 202.
let script: { status: number; body?: string; hang?: boolean }[] = [];

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const body = await read(req);
    const form = req.headers['content-type'] === 'application/x-www-form-urlencoded' ? new URLSearchParams(body) : url.searchParams;
    seen.push({
      mode: form.get('hub.mode'),
      topic: form.get('hub.topic'),
      contentType: req.headers['content-type'],
      cookie: req.headers.cookie,
      tenant: req.headers['x-tenant'] as string | undefined,
      body,
    });
    const next = script.shift() ?? { status: 202 };
    if (next.hang) return; // never answers: the client's timeout must end the call
    res.writeHead(next.status, { 'content-type': 'application/x-www-form-urlencoded' }).end(next.body ?? '');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hub`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen.length = 0;
  script = [];
});

const fast = { backoffBaseMs: 1, backoffMaxMs: 2, attempts: 3 };
const records = (n: number) => Array.from({ length: n }, (_, i) => ({ key: i + 1, body: { vid: `v${i + 1}`, token: `t${i + 1}` } }));

test('registers, then publishes one JSON message per record with the cookie and extra headers', async () => {
  const props = { hubUrl, topic: 'tokens/issued x', authToken: 'synthetic-jwt', extraHeaders: { 'X-Tenant': 'demo', Cookie: 'ignored=1' } };
  const result = await deliverWebsub(props, { kind: 'records', records: records(3) }, fast);
  expect(result).toMatchObject({ ok: true, delivered: 3, failed: 0 });
  expect(seen.map((s) => s.mode)).toEqual(['register', 'publish', 'publish', 'publish']);
  expect(seen.every((s) => s.topic === 'tokens/issued x' && s.cookie === 'Authorization=synthetic-jwt' && s.tenant === 'demo')).toBe(true);
  expect(seen[0]!.contentType).toBe('application/x-www-form-urlencoded');
  expect(seen.slice(1).map((s) => s.contentType)).toEqual(Array(3).fill('application/json'));
  expect(seen.slice(1).map((s) => JSON.parse(s.body).token)).toEqual(['t1', 't2', 't3']);
});

test('an already registered topic (denied with 200, as the MOSIP hub does) is fine; register: false skips it', async () => {
  script = [{ status: 200, body: 'hub.mode=denied&hub.reason=Topic+has+already+registered+with+the+Hub' }, { status: 200, body: 'hub.mode=accepted' }];
  expect(await deliverWebsub({ hubUrl, topic: 't' }, { kind: 'bulk', contentType: 'application/json', body: '[1]' }, fast)).toMatchObject({ ok: true, delivered: 1 });
  seen.length = 0;
  expect(await deliverWebsub({ hubUrl, topic: 't', register: false }, { kind: 'bulk', contentType: 'text/csv', body: async function* () { yield 'a,b\n'; yield '1,2\n'; } }, fast)).toMatchObject({ ok: true });
  expect(seen).toEqual([expect.objectContaining({ mode: 'publish', contentType: 'text/csv', body: 'a,b\n1,2\n' })]);
});

test('a denied publish fails that record with the hub reason, without retries, and the others go on', async () => {
  script = [{ status: 202 }, { status: 202 }, { status: 200, body: 'hub.mode=denied&hub.reason=quota+exceeded' }];
  const outcomes: PublishResult[] = [];
  const result = await deliverWebsub({ hubUrl, topic: 't' }, { kind: 'records', records: records(3) }, { ...fast, onResult: (r) => void outcomes.push(r) });
  expect(result).toMatchObject({ ok: false, delivered: 2, failed: 1 });
  expect(outcomes[1]).toMatchObject({ key: 2, ok: false, errorCode: 'WEBSUB_DENIED', reason: 'quota exceeded', attempts: 1, retryable: false });
  expect(seen).toHaveLength(4);
});

test('a 200 without hub.mode=accepted is not a success; 5xx are retried and then succeed', async () => {
  script = [{ status: 500 }, { status: 503 }, { status: 202 }];
  expect(await deliverWebsub({ hubUrl, topic: 't', register: false }, { kind: 'records', records: records(1) }, fast)).toMatchObject({ ok: true, results: [{ attempts: 3 }] });
  script = [{ status: 200, body: 'OK' }];
  const bad = await deliverWebsub({ hubUrl, topic: 't', register: false }, { kind: 'records', records: records(1) }, fast);
  expect(bad.results[0]).toMatchObject({ ok: false, errorCode: 'WEBSUB_UNEXPECTED_REPLY', attempts: 1 });
});

test('a refused registration publishes nothing', async () => {
  script = [{ status: 403, body: 'hub.mode=denied&hub.reason=Not+authorized' }];
  const result = await deliverWebsub({ hubUrl, topic: 't' }, { kind: 'records', records: records(2) }, fast);
  expect(result).toMatchObject({ ok: false, delivered: 0, results: [{ key: 'register', errorCode: 'WEBSUB_DENIED', reason: 'Not authorized' }] });
  expect(seen.map((s) => s.mode)).toEqual(['register']);
  // Per-record callers keep no results, yet they learn why nothing went.
  script = [{ status: 401, body: 'hub.mode=denied&hub.reason=Authorization+cookie+is+missing' }];
  const quiet = await deliverWebsub({ hubUrl, topic: 't' }, { kind: 'records', records: records(2) }, { ...fast, keepResults: false });
  expect(quiet.results).toEqual([expect.objectContaining({ key: 'register', errorCode: 'WEBSUB_DENIED', reason: 'Authorization cookie is missing' })]);
});

test('a hub that does not answer times out; an unreachable one is a transport failure; after failures in a row the rest is aborted', async () => {
  script = [{ status: 0, hang: true }, { status: 0, hang: true }];
  const slow = await deliverWebsub({ hubUrl, topic: 't', register: false, timeoutSeconds: 0.2 }, { kind: 'records', records: records(1) }, { ...fast, attempts: 2 });
  expect(slow.results[0]).toMatchObject({ ok: false, errorCode: 'WEBSUB_TIMEOUT', attempts: 2 });

  const down = 'http://127.0.0.1:1/hub';
  const result = await deliverWebsub({ hubUrl: down, topic: 't', register: false }, { kind: 'records', records: records(5) }, { ...fast, maxConsecutiveFailures: 2 });
  expect(result.results.map((r) => r.errorCode)).toEqual(['WEBSUB_TRANSPORT', 'WEBSUB_TRANSPORT', 'WEBSUB_ABORTED', 'WEBSUB_ABORTED', 'WEBSUB_ABORTED']);
  expect(result.results.slice(2).every((r) => r.attempts === 0)).toBe(true);
});

test('unusable properties throw WEBSUB_INVALID_PROPERTIES', async () => {
  await expect(deliverWebsub({ hubUrl: '', topic: 't' }, { kind: 'records', records: [] })).rejects.toMatchObject({ code: 'WEBSUB_INVALID_PROPERTIES' });
});

test('register, publish and deregister as single calls: the hub reply is returned, a query on the hub URL is kept', async () => {
  script = [{ status: 200, body: 'hub.mode=accepted' }, { status: 202 }, { status: 200, body: 'hub.mode=accepted' }];
  expect(await register(hubUrl, 'a b', { authToken: 'tok' })).toEqual({ accepted: true, status: 200, mode: 'accepted' });
  expect(await publish(`${hubUrl}?tenant=demo`, 'a b', { contentType: 'application/json', body: '{}' })).toEqual({ accepted: true, status: 202 });
  expect(await deregister(hubUrl, 'a b', { mode: 'unregister' })).toMatchObject({ accepted: true });
  expect(seen.map((s) => [s.mode, s.topic, s.cookie])).toEqual([
    ['register', 'a b', 'Authorization=tok'],
    ['publish', 'a b', undefined],
    ['unregister', 'a b', undefined],
  ]);
});
