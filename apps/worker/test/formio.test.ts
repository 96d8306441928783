// A Form.io request: the worker pulls the submissions from the Form.io stand-in at ingest (login or API key, paged,
// re-login on 440), then tokenises each submission's data; failures end the request visibly with a code.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DEMO_API_KEY, DEMO_FORM_ID, DEMO_MAPPING, DEMO_USER, demoFormioData, startFormioStandin, type RunningFormioStandin } from '@mts/formio-standin';
import { createTempDir, type TempDir } from '@mts/testing';
import type { RequestConfig, Store } from '@mts/store';
import { createLogger, startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, readOutput, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

const demo = demoFormioData({ count: 14 });
const submitted = [...demo.submissions]
  .sort((a, b) => a.created!.localeCompare(b.created!) || a._id!.localeCompare(b._id!))
  .filter((s) => s.state !== 'draft')
  .map((s) => s.data as { vid: string });
const mapping = { ...DEMO_MAPPING, name: [...DEMO_MAPPING.name], fullAddress: [...DEMO_MAPPING.fullAddress] };
type FormioConfig = NonNullable<RequestConfig['formioconfig']>;
const expectedAnswer = (vid: string) => (vid.endsWith('9') ? 'IDA-DEA-001' : `tok-${vid}`);

let dir: TempDir;
let formio: RunningFormioStandin;
let api: Store;
let worker: RunningWorker;
const logLines: string[] = [];

beforeAll(async () => {
  dir = await createTempDir('formio-');
  formio = await startFormioStandin(demo);
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => logLines.push(c.toString('utf8')));
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth, logger: createLogger({ level: 'debug', stream: sink }) });
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await formio.close();
  await dir.remove();
});
beforeEach(() => formio.clearRequests());

const request = (store: Store, formioconfig: Partial<FormioConfig>, extra: Partial<RequestConfig> = {}) =>
  store.createRequest({
    inputKind: 'formio',
    config: {
      output: 'csv',
      deliverytype: 'download',
      mapping,
      formioconfig: { baseurl: formio.url, formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, ...formioconfig } as FormioConfig,
      ...extra,
    },
  });

test('CSV out: three pages and more, a token expiring mid-listing (440, one re-login), every submitted record once, drafts skipped', async () => {
  formio.expireTokensAfter(2);
  const req = await request(api, { pageSize: 4 });
  const done = await waitDone(api, req.id);
  expect(done.counts).toMatchObject({ total: submitted.length, invalid: 0 });
  expect(done.lastError ?? null).toBeNull();
  const lines = (await readOutput(api, done)).trim().split(/\r?\n/);
  expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
  const rows = lines.slice(1).map((l) => l.split(','));
  expect(rows.map((r) => r[0])).toEqual(submitted.map((s) => s.vid));
  for (const r of rows) expect(r[2] || r[3]).toBe(expectedAnswer(r[0]!));
  const calls = formio.requests().map((r) => `${r.method} ${r.path} ${r.query.skip ?? ''} ${r.status}`);
  expect(calls).toEqual([
    'POST /user/login  200',
    'GET /registration/submission 0 206',
    'GET /registration/submission 4 206',
    'GET /registration/submission 8 440',
    'POST /user/login  200',
    'GET /registration/submission 8 206',
    'GET /registration/submission 12 206',
  ]);
});

/** Fails if a secret is in the SQLite file or its WAL/SHM as plaintext; returns how many bytes were scanned. */
async function expectNoPlaintext(secrets: string[], root = dir.path): Promise<number> {
  const files = (await readdir(root, { recursive: true })).map((f) => join(root, String(f)));
  let scanned = 0;
  for (const f of files.filter((f) => /seeder\.sqlite(-wal|-shm)?$/.test(f))) {
    const bytes = await readFile(f);
    scanned += bytes.length;
    for (const secret of secrets) expect({ file: f, found: bytes.includes(Buffer.from(secret)) }).toEqual({ file: f, found: false });
  }
  return scanned;
}

test('a stored Form.io request keeps its credentials sealed (no worker here to erase them)', async () => {
  const own = await createTempDir('formio-sealed-');
  const store = await openApiStore(testConfig(own.path));
  try {
    const secrets = ['sealed-api-key-5678', 'sealed-password-8765'];
    const a = await request(store, { auth: { type: 'apiKey', apiKey: secrets[0]! } });
    const b = await request(store, { auth: { type: 'login', email: DEMO_USER.email, password: secrets[1]! } });
    expect(await expectNoPlaintext(secrets, own.path)).toBeGreaterThan(0);
    expect((await store.getRequestConfig(a.id))?.formioconfig?.auth).toEqual({ type: 'apiKey', apiKey: secrets[0] });
    expect((await store.getRequestConfig(b.id))?.formioconfig?.auth).toEqual({ type: 'login', email: DEMO_USER.email, password: secrets[1] });
    await store.erasePii(a.id);
    expect(await store.getRequestConfig(a.id)).toBeNull();
  } finally {
    await store.close();
    await own.remove();
  }
});

test('JSON out with an API key and a form id; the credentials are sealed at rest, never logged, and erased once done', async () => {
  const secrets = [DEMO_API_KEY, 'another-secret-password-1234'];
  const req = await request(api, { formPath: null, formId: DEMO_FORM_ID, auth: { type: 'apiKey', apiKey: DEMO_API_KEY }, pageSize: 5 }, { output: 'json' });
  const sealed = await request(api, { auth: { type: 'login', email: DEMO_USER.email, password: secrets[1]! } });

  const done = await waitDone(api, req.id);
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string; token: string | null; errorCode: string | null }[];
  expect(rows.map((r) => r.vid)).toEqual(submitted.map((s) => s.vid));
  for (const r of rows) expect(r.token ?? r.errorCode).toBe(expectedAnswer(r.vid));
  expect(formio.requests().filter((r) => r.path.startsWith('/form/')).every((r) => r.auth === 'apiKey')).toBe(true);
  expect(await waitDone(api, sealed.id)).toMatchObject({ lastError: 'FORMIO_AUTH_FAILED' });

  for (const id of [req.id, sealed.id]) expect(await api.getRequestConfig(id)).toBeNull(); // erased with the PII
  expect(await expectNoPlaintext(secrets)).toBeGreaterThan(0);
  const logs = logLines.join('');
  expect(logs).toContain(req.id);
  for (const secret of [...secrets, DEMO_USER.password, ...submitted.map((s) => s.vid)]) expect(logs).not.toContain(secret);
});

test('refused credentials end the request processed_with_errors with FORMIO_AUTH_FAILED, without retrying', async () => {
  const req = await request(api, { auth: { type: 'login', email: DEMO_USER.email, password: 'wrong-password' } });
  const done = await waitDone(api, req.id);
  expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'FORMIO_AUTH_FAILED', counts: { total: 0, processed: 0, error: 0, invalid: 0 } });
  expect(formio.requests().map((r) => `${r.path} ${r.status}`)).toEqual(['/user/login 401']);
});

test('an unknown form and a form without submissions end with their own codes', async () => {
  const missing = await waitDone(api, (await request(api, { formPath: 'no-such-form' })).id);
  expect(missing).toMatchObject({ status: 'processed_with_errors', lastError: 'FORMIO_FORM_NOT_FOUND' });
  const empty = await waitDone(api, (await request(api, { formPath: 'empty' })).id);
  expect(empty).toMatchObject({ status: 'processed_with_errors', lastError: 'FORMIO_NO_SUBMISSIONS', counts: { total: 0 } });
});

test('a 503 is retried (the whole pull again, nothing stored twice)', async () => {
  formio.failNext(1, { path: '/registration/submission' });
  const req = await request(api, { auth: { type: 'apiKey', apiKey: DEMO_API_KEY }, pageSize: 6 });
  const done = await waitDone(api, req.id);
  expect(done.counts.total).toBe(submitted.length);
  expect(done.lastError ?? null).toBeNull();
  expect(formio.requests().map((r) => r.status)).toEqual([503, 206, 206, 206]);
});

describe('with MTS_PULL_MAX_ATTEMPTS=3', () => {
  let own: TempDir;
  let store: Store;
  let pulls: RunningWorker;
  beforeAll(async () => {
    own = await createTempDir('formio-down-');
    const config = testConfig(own.path, { MTS_PULL_MAX_ATTEMPTS: '3' });
    store = await openApiStore(config);
    pulls = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  });
  afterAll(async () => {
    await pulls.stop();
    await store.close();
    await own.remove();
  });

  test('a Form.io that keeps failing ends the request after three tries with SOURCE_UNREACHABLE:FORMIO_SERVER_ERROR', async () => {
    formio.failNext(1000, { path: '/registration/submission' });
    try {
      const req = await request(store, { auth: { type: 'apiKey', apiKey: DEMO_API_KEY } });
      const done = await waitDone(store, req.id, 60_000);
      expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'SOURCE_UNREACHABLE:FORMIO_SERVER_ERROR', counts: { total: 0 } });
      expect(formio.requests().filter((r) => r.path === '/registration/submission')).toHaveLength(3);
    } finally {
      formio.clearFaults();
    }
  });

  test('an unreachable Form.io ends the request with SOURCE_UNREACHABLE:FORMIO_NETWORK instead of processing forever', async () => {
    const req = await request(store, { baseurl: 'http://127.0.0.1:1' });
    const done = await waitDone(store, req.id, 60_000);
    expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'SOURCE_UNREACHABLE:FORMIO_NETWORK', counts: { total: 0 } });
  });
});
