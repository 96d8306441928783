// Health and metrics of the API over real HTTP with the real store: /health/live, /health/ready (failing when the
// database is gone, and on an unreachable IDA where the API uses IDA), /metrics in Prometheus text format, 405s.
import { join } from 'node:path';
import { createTempDir, parsePrometheusText, SYNTHETIC_PARTNER_ENV, type TempDir } from '@mts/testing';
import { createMetricsRegistry } from '@mts/service-kit';
import { loadConfig as loadWorkerConfig, startWorker } from '@mts/worker';
import { loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

const DATA_KEY = Buffer.alloc(32, 4).toString('base64');
let dir: TempDir;

beforeAll(async () => {
  dir = await createTempDir('api-ops-');
});
afterAll(async () => {
  await dir.remove();
});

const start = (name: string, env: Record<string, string> = {}) =>
  startApi(loadConfig({ MTS_DATA_DIR: join(dir.path, name), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0', ...env }));
const root = (api: RunningApi) => `http://127.0.0.1:${api.port}`;

describe('API health and metrics (no IDA configured)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await start('plain', { TOKENSEEDER_ROOT__API_PATH_PREFIX: '/mosiptokenseeder/' });
  });
  afterAll(async () => {
    await api.close();
  });

  it('answers /health/live and /health/ready at the root, not under the path prefix', async () => {
    const live = await http(`${root(api)}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await http(`${root(api)}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: [{ name: 'store', ok: true }] });
    expect((await http(`${api.url}/health/live`)).status).toBe(404);
    expect((await http(`${root(api)}/health/nothing`)).status).toBe(404);
  });

  it('serves /metrics in Prometheus text format: requests by status, HTTP requests by route pattern and status, process metrics', async () => {
    const config = { output: 'csv' as const, deliverytype: 'download' };
    await api.store.createRequest({ inputKind: 'odk', config });
    await api.store.createRequest({ inputKind: 'odk', config });
    const status = await http(`${api.url}/authtoken/status/00000000-0000-0000-0000-000000000000`);
    expect(status.status).toBe(404);
    const res = await http(`${root(api)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusText(await res.text());
    expect(families.get('mts_requests')).toMatchObject({ type: 'gauge', samples: [{ name: 'mts_requests', labels: { status: 'submitted' }, value: 2 }] });
    const http404 = families
      .get('mts_http_request_duration_seconds')!
      .samples.find((s) => s.name.endsWith('_count') && s.labels.route === '/authtoken/status/:id' && s.labels.status === '404');
    expect(http404).toMatchObject({ labels: { method: 'GET' }, value: 1 });
    expect(families.get('process_resident_memory_bytes')?.type).toBe('gauge');
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
  });

  it.each([
    ['POST', '/health/live'],
    ['DELETE', '/health/ready'],
    ['PUT', '/metrics'],
  ])('answers %s %s with 405, Allow and ATS-REQ-107', async (method, path) => {
    const res = await http(`${root(api)}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect((await res.json()).errors).toEqual([{ errorCode: 'ATS-REQ-107', errorMessage: expect.stringContaining('Method Not Allowed') }]);
  });

  it('answers 405 for a wrong method on the prefixed API routes, and 404 for unknown paths', async () => {
    const get = await http(`${api.url}/authtoken/csv`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await get.json()).errors[0].errorCode).toBe('ATS-REQ-107');
    const del = await http(`${api.url}/authtoken/status/some-id`, { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, HEAD');
    const unknown = await http(`${api.url}/authtoken/nothing`, { method: 'DELETE' });
    expect(unknown.status).toBe(404);
  });

  it('reports not ready, naming the store and a code (no message or stack), once the database is gone', async () => {
    await api.store.close();
    const ready = await http(`${root(api)}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'fail', checks: [{ name: 'store', ok: false, reason: 'STORE_UNAVAILABLE' }] });
    // Still alive (a restart would not bring the database back), and /metrics still answers.
    expect((await http(`${root(api)}/health/live`)).status).toBe(200);
    const metrics = await http(`${root(api)}/metrics`);
    expect(metrics.status).toBe(200);
    expect(parsePrometheusText(await metrics.text()).get('mts_requests')!.samples).toEqual([]);
  });
});

describe('API readiness with the sync endpoint configured', () => {
  it('checks that IDA is reachable (a TCP connection, no authentication) and names it when it is not', async () => {
    // SYNTHETIC_PARTNER_ENV points IDA at 127.0.0.1:9, where nothing listens.
    const api = await start('sync', { ...SYNTHETIC_PARTNER_ENV });
    try {
      const ready = await http(`${root(api)}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'fail',
        checks: [
          { name: 'store', ok: true },
          { name: 'ida', ok: false, reason: 'ECONNREFUSED' },
        ],
      });
    } finally {
      await api.close();
    }
  });
});

describe('two API instances in one process', () => {
  it('keep their own registries by default, and can share one', async () => {
    const a = await start('two-a');
    const b = await start('two-b', {});
    const shared = await startApi(
      loadConfig({ MTS_DATA_DIR: join(dir.path, 'two-c'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0' }),
      { metrics: a.metrics },
    );
    try {
      expect(a.metrics).not.toBe(b.metrics);
      expect(shared.metrics).toBe(a.metrics);
      const res = await http(`${root(shared)}/metrics`);
      expect(parsePrometheusText(await res.text()).has('mts_requests')).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close(), shared.close()]);
    }
  });
});

describe('the API and the worker in one process (tools/scripts/service.mjs)', () => {
  it('share one registry: one scrape has both apps\' metrics, each family once, on the API and on the worker port', async () => {
    const metrics = createMetricsRegistry();
    const env = { ...SYNTHETIC_PARTNER_ENV, MTS_DATA_DIR: join(dir.path, 'together'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0' };
    const authenticator = { authenticate: async () => ({ authStatus: false, errors: [] }), close: async () => undefined };
    const worker = await startWorker(loadWorkerConfig({ ...env, MTS_WORKER_HTTP_PORT: '0', MTS_WORKER_HTTP_HOST: '127.0.0.1', TOKENSEEDER_CLEANUP__ENABLED: 'false', MTS_JOB_LOCK_LIFETIME_MS: '1000' }), { authenticator, metrics });
    const api = await startApi(loadConfig(env), { metrics });
    try {
      for (const url of [`${root(api)}/metrics`, `http://127.0.0.1:${worker.httpPort}/metrics`]) {
        // The strict parser refuses a family declared twice, so this also proves nothing is registered twice.
        const families = parsePrometheusText(await (await http(url)).text());
        for (const name of ['mts_requests', 'mts_http_request_duration_seconds', 'mts_worker_records_total', 'mts_worker_queue_jobs', 'process_cpu_seconds_total']) {
          expect([name, families.has(name)]).toEqual([name, true]);
        }
      }
    } finally {
      await api.close();
      await worker.stop();
    }
  });
});
