// POST authtoken/formio end to end over real HTTP: API, worker, IDA sandbox and Form.io stand-in on port 0, temp dirs.
// The stand-in's people are the sandbox's, so the pulled records authenticate for real.
import { join } from 'node:path';
import { DEMO_API_KEY, DEMO_MAPPING, DEMO_USER, demoFormioData, peopleFromIdentities, startFormioStandin, type RunningFormioStandin } from '@mts/formio-standin';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { createTempDir, type TempDir } from '@mts/testing';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'mosip.token.seeder', version: '1.0', metadata: '', requesttime: new Date().toISOString(), request });

let dir: TempDir;
let sandbox: RunningSandbox;
let formio: RunningFormioStandin;
let worker: RunningWorker;
let api: RunningApi;
let submitted: string[];

beforeAll(async () => {
  dir = await createTempDir('api-formio-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 12 });
  const demo = demoFormioData({ count: 12, people: peopleFromIdentities(sandbox.identities) });
  submitted = [...demo.submissions]
    .sort((a, b) => a.created!.localeCompare(b.created!) || a._id!.localeCompare(b._id!))
    .filter((s) => s.state !== 'draft')
    .map((s) => (s.data as { vid: string }).vid);
  formio = await startFormioStandin(demo);
  const env = {
    MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
    MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost', MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4',
    MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false', MTS_PULL_MAX_ATTEMPTS: '2',
    MTS_RETRY_BASE_MS: '50', MTS_RETRY_MAX_MS: '100',
    ...sandboxPartnerEnv(sandbox),
  };
  const silent = createLogger({ silent: true });
  worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
  api = await startApi(loadConfig(env), { logger: silent });
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await Promise.all([sandbox?.close(), formio?.close()]);
  await dir?.remove();
});

const post = (body: unknown) => http(`${api.url}/authtoken/formio`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
// Refused at submission, so never called: a fixed address is enough for those cases.
const refusedConfig = (extra: Record<string, unknown> = {}) => ({ baseurl: 'https://forms.example.org/project', formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, ...extra });
const formioconfig = (extra: Record<string, unknown> = {}) => ({ baseurl: formio.url, formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, ...extra });
async function finished(id: string): Promise<{ status: string; counts: Record<string, number>; errorCode?: string }> {
  for (let i = 0; i < 600; i++) {
    const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
    if (/^(processed|error_)/.test(s.status)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('request did not finish');
}

test('CSV out: the worker pulls three pages (login, 206 + Content-Range) and the sandbox tokenises every submitted record', async () => {
  const res = await post(envelopeOf({ output: 'csv', deliverytype: 'download', mapping: DEMO_MAPPING, formioconfig: formioconfig({ pageSize: 4 }) }));
  expect(res.status).toBe(200);
  const id = (await res.json()).response.request_identifier;
  expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: submitted.length, processed: submitted.length } });
  const lines = (await (await http(`${api.url}/authtoken/file/${id}`)).text()).trim().split(/\r?\n/);
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(submitted);
  expect(lines.slice(1).every((l) => /^\d+,processed,[^,]+,,$/.test(l))).toBe(true);
  expect(formio.requests().filter((r) => r.path === '/registration/submission').map((r) => r.query.skip)).toEqual(['0', '4', '8']);
});

test('JSON out with an API key', async () => {
  const res = await post(envelopeOf({ output: 'json', deliverytype: 'download', mapping: DEMO_MAPPING, formioconfig: formioconfig({ auth: { type: 'apiKey', apiKey: DEMO_API_KEY } }) }));
  const id = (await res.json()).response.request_identifier;
  expect((await finished(id)).status).toBe('processed');
  const rows = await (await http(`${api.url}/authtoken/file/${id}`)).json();
  expect(rows.map((r: { vid: string }) => r.vid)).toEqual(submitted);
  expect(rows.every((r: { status: string; token: string }) => r.status === 'processed' && r.token.length > 0)).toBe(true);
});

test.each([
  ['no formioconfig', undefined, 'ATS-REQ-050'],
  ['a baseurl without scheme', refusedConfig({ baseurl: 'forms.example.org' }), 'ATS-REQ-051'],
  ['both formPath and formId', refusedConfig({ formId: 'f0f000000000000000000001' }), 'ATS-REQ-052'],
  ['an unknown auth type', refusedConfig({ auth: { type: 'basic' } }), 'ATS-REQ-053'],
  ['a login without password', refusedConfig({ auth: { type: 'login', email: DEMO_USER.email } }), 'ATS-REQ-054'],
  ['an apiKey auth without key', refusedConfig({ auth: { type: 'apiKey' } }), 'ATS-REQ-055'],
  ['a startdate that is not a date', refusedConfig({ startdate: '01/02/2024' }), 'ATS-REQ-056'],
  ['enddate before startdate', refusedConfig({ startdate: '2024-02-01', enddate: '2024-01-01' }), 'ATS-REQ-057'],
  ['pageSize 5000', refusedConfig({ pageSize: 5000 }), 'ATS-REQ-058'],
])('answers 400 at submission: %s', async (_name, config, code) => {
  const res = await post(envelopeOf({ output: 'json', deliverytype: 'download', ...(config === undefined ? {} : { formioconfig: config }) }));
  expect(res.status).toBe(400);
  expect((await res.json()).errors).toEqual([{ errorCode: code, errorMessage: expect.any(String) }]);
});

test('refused credentials and an unreachable server end processed_with_errors, the code in the status answer', async () => {
  const wrong = await post(envelopeOf({ output: 'json', deliverytype: 'download', formioconfig: formioconfig({ auth: { type: 'login', email: DEMO_USER.email, password: 'not-it' } }) }));
  const refused = await finished((await wrong.json()).response.request_identifier);
  expect(refused).toMatchObject({ status: 'processed_with_errors', errorCode: 'FORMIO_AUTH_FAILED', counts: { total: 0 } });
  const down = await post(envelopeOf({ output: 'json', deliverytype: 'download', formioconfig: formioconfig({ baseurl: 'http://127.0.0.1:1' }) }));
  const unreachable = await finished((await down.json()).response.request_identifier);
  expect(unreachable).toMatchObject({ status: 'processed_with_errors', errorCode: 'SOURCE_UNREACHABLE:FORMIO_NETWORK', counts: { total: 0 } });
});

test('the OpenAPI document lists POST authtoken/formio with its envelope schema', async () => {
  const doc = await (await http(`${api.url}/openapi.json`)).json();
  const op = doc.paths['/authtoken/formio'].post;
  expect(JSON.stringify(op.requestBody)).toContain('formioconfig');
  expect(op.responses).toHaveProperty('400');
});
