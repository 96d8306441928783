// The worker's health and metrics server (MTS_WORKER_HTTP_PORT): readiness (store, queue, IDA by TCP), metrics in
// Prometheus text format with records by outcome and code, IDA latency, chunk durations, deliveries, queue depth.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTempDir, parsePrometheusText, type PromFamily, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, submit, testConfig, waitDone } from './helpers.js';

jest.setTimeout(60_000);

let dir: TempDir;
let ida: TcpServer;
let receiver: HttpServer;
let base: string;
let api: Store;
let worker: RunningWorker;
let ops: string;

const listen = async <S extends TcpServer | HttpServer>(server: S) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};
const scrape = async () => {
  const res = await fetch(`${ops}/metrics`);
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
};
const value = (family: PromFamily | undefined, sample: string, labels: Record<string, string>) =>
  family?.samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

beforeAll(async () => {
  dir = await createTempDir('worker-ops-');
  // IDA's address only has to accept a TCP connection: readiness sends no request (the fake authenticator answers).
  ida = createTcpServer((socket) => socket.destroy());
  const idaPort = await listen(ida);
  receiver = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = req.url?.includes('failure') ? 500 : 200;
      res.end('{}');
    });
  });
  base = `http://127.0.0.1:${await listen(receiver)}`;
  const config = testConfig(dir.path, {
    MTS_WORKER_HTTP_PORT: '0',
    MTS_WORKER_HTTP_HOST: '127.0.0.1',
    TOKENSEEDER_MOSIP_AUTH_SERVER__IDA_AUTH_URL: `http://127.0.0.1:${idaPort}/idauthentication/v1/auth`,
    TOKENSEEDER_CLEANUP__ENABLED: 'true',
    TOKENSEEDER_CLEANUP__CLEANUP_INTERVAL_SECONDS: '3600',
  });
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth, callbackOptions: { attempts: 1, backoffBaseMs: 5, backoffMaxMs: 10 } });
  ops = `http://127.0.0.1:${worker.httpPort}`;
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await new Promise((r) => receiver.close(r));
  if (ida.listening) await new Promise((r) => ida.close(r)); // closed by the last test unless an earlier one failed
  await dir.remove();
});

test('serves /health/live, and /health/ready with store, queue and IDA checks', async () => {
  const live = await fetch(`${ops}/health/live`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${ops}/health/ready`);
  expect(await ready.json()).toEqual({
    status: 'ok',
    checks: [
      { name: 'store', ok: true },
      { name: 'queue', ok: true },
      { name: 'ida', ok: true },
    ],
  });
  expect(ready.status).toBe(200);
});

test('answers 405 with Allow for another method, 404 elsewhere', async () => {
  const post = await fetch(`${ops}/metrics`, { method: 'POST' });
  expect(post.status).toBe(405);
  expect(post.headers.get('allow')).toBe('GET, HEAD');
  expect((await fetch(`${ops}/authtoken/json`)).status).toBe(404);
});

test('counts records by outcome and error code, IDA calls, chunks and deliveries; reads the queue at scrape time', async () => {
  // people(20): lines 7 and 17 have no gender (invalid); vids …09 and …19 get IDA-DEA-001 from the fake IDA.
  const delivered = await submit(api, 'ndjson', people(20), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${base}/callback/ok`, callInBulk: true },
  });
  const failed = await submit(api, 'ndjson', people(1, 100), {
    output: 'json',
    deliverytype: 'callback',
    callbackProperties: { url: `${base}/callback/failure`, callInBulk: true },
  });
  await waitDone(api, delivered);
  await waitDone(api, failed);

  const families = await scrape();
  const records = families.get('mts_worker_records_total');
  expect(records?.type).toBe('counter');
  expect(value(records, 'mts_worker_records_total', { outcome: 'token' })).toBe(17);
  expect(value(records, 'mts_worker_records_total', { outcome: 'ida_error' })).toBe(2);
  expect(value(records, 'mts_worker_records_total', { outcome: 'invalid' })).toBe(2);
  expect(value(records, 'mts_worker_records_total', { outcome: 'retry' })).toBe(0);
  expect(value(families.get('mts_worker_record_errors_total'), 'mts_worker_record_errors_total', { code: 'IDA-DEA-001' })).toBe(2);
  const idaCalls = families.get('mts_worker_ida_request_duration_seconds');
  expect(idaCalls?.type).toBe('histogram');
  expect(value(idaCalls, 'mts_worker_ida_request_duration_seconds_count', { result: 'answer' })).toBe(19);
  expect(value(families.get('mts_worker_chunk_duration_seconds'), 'mts_worker_chunk_duration_seconds_count', { result: 'done' })).toBeGreaterThanOrEqual(2);
  const deliveries = families.get('mts_worker_deliveries_total');
  expect(value(deliveries, 'mts_worker_deliveries_total', { deliverytype: 'callback', outcome: 'delivered' })).toBe(1);
  expect(value(deliveries, 'mts_worker_deliveries_total', { deliverytype: 'callback', outcome: 'failed' })).toBe(1);
  // The clean-up job repeats every hour: the queue gauge reads it from Agenda.
  expect(value(families.get('mts_worker_queue_jobs'), 'mts_worker_queue_jobs', { name: 'cleanup', state: 'repeating' })).toBe(1);
  expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
});

test('reports IDA unreachable by name and reason once nothing listens at its address', async () => {
  await new Promise((r) => ida.close(r));
  const ready = await fetch(`${ops}/health/ready`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({
    status: 'fail',
    checks: [
      { name: 'store', ok: true },
      { name: 'queue', ok: true },
      { name: 'ida', ok: false, reason: 'ECONNREFUSED' },
    ],
  });
});
