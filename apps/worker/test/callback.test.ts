// Callback delivery from the deliver job, against a real HTTP endpoint on port 0.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker;
let server: Server;
let base: string;
const received: { path: string; contentType: string; body: string }[] = [];

beforeAll(async () => {
  dir = await createTempDir('callback-');
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: Buffer.concat(parts).toString('utf8') });
      res.statusCode = req.url?.includes('failure') ? 500 : 200;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  worker = await startWorker(config, {
    authenticator: fakeAuthenticator().auth,
    callbackOptions: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 },
  });
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await new Promise((r) => server.close(r));
  await dir.remove();
});

test('csv output goes as one multipart file named requestFileName; the request ends processed and delivered', async () => {
  const id = await submit(api, 'ndjson', people(12), {
    output: 'csv',
    deliverytype: 'callback',
    callbackProperties: { url: `${base}/callback/post/csv/noauth`, callInBulk: true, requestFileName: 'tokens.csv' },
  });
  const done = await waitDone(api, id);
  expect(done).toMatchObject({ status: 'processed_with_errors', deliveryState: 'delivered', deliveryAttempts: 1 });
  const call = received.find((r) => r.path === '/callback/post/csv/noauth')!;
  expect(call.contentType).toMatch(/^multipart\/form-data/);
  expect(call.body).toContain('filename="tokens.csv"');
  expect(call.body).toContain('4000000000,processed,tok-4000000000,,');
});

test('json records go one call each; a 500 endpoint ends error_making_callback_request', async () => {
  const okId = await submit(api, 'ndjson', people(3), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${base}/callback/post/json/noauth` },
  });
  expect(await waitDone(api, okId)).toMatchObject({ status: 'processed', deliveryState: 'delivered' });
  const bodies = received.filter((r) => r.path === '/callback/post/json/noauth').map((r) => JSON.parse(r.body));
  expect(bodies.map((b) => b.token).sort()).toEqual(['tok-4000000000', 'tok-4000000001', 'tok-4000000002']);

  const badId = await submit(api, 'ndjson', people(2), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${base}/callback/post/failure/noauth`, callInBulk: true },
  });
  const bad = await waitDone(api, badId);
  expect(bad).toMatchObject({ status: 'error_making_callback_request', deliveryState: 'failed', lastError: 'CALLBACK_HTTP_STATUS' });
  expect(bad.piiErasedAt).toBeInstanceOf(Date);
});

test('with the outbound policy on (its default), a callback to a loopback address is refused without being sent: CALLBACK_OUTBOUND_DENIED', async () => {
  const own = await createTempDir('callback-ssrf-');
  const config = testConfig(own.path, { MTS_OUTBOUND_ALLOW: '' });
  const store = await openApiStore(config);
  const guarded = await startWorker(config, { authenticator: fakeAuthenticator().auth, callbackOptions: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } });
  try {
    const before = received.length;
    const id = await submit(store, 'ndjson', people(3), { output: 'json', deliverytype: 'callback', callbackProperties: { url: `${base}/callback/post/json/noauth`, callInBulk: true } });
    const done = await waitDone(store, id);
    expect(done).toMatchObject({ status: 'error_making_callback_request', deliveryState: 'failed', lastError: 'CALLBACK_OUTBOUND_DENIED' });
    expect(received.length).toBe(before);
    // the output stays downloadable
    expect(done.hasOutput).toBe(true);
  } finally {
    await guarded.stop();
    await store.close();
    await own.remove();
  }
});
