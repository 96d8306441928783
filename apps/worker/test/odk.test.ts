// An ODK request: the worker pulls the submissions from the ODK Central stand-in at ingest, then tokenises them.
import { startOdkStandin, demoOdkData, type RunningOdkStandin } from '@mts/odk-standin';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, readOutput, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let odk: RunningOdkStandin;
let api: Store;
let worker: RunningWorker;

beforeAll(async () => {
  dir = await createTempDir('odk-');
  odk = await startOdkStandin(demoOdkData(15));
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await odk.close();
  await dir.remove();
});

test('submissions pulled with the stored (encrypted) ODK credentials become tokens', async () => {
  const demo = demoOdkData(15);
  const request = await api.createRequest({
    inputKind: 'odk',
    config: {
      output: 'json',
      deliverytype: 'download',
      odkconfig: { baseurl: odk.url, projectid: '1', formid: 'registration', email: demo.users[0]!.email, password: demo.users[0]!.password },
      mapping: { vid: 'vid', name: ['person.name'], gender: 'person.gender', dob: 'person.dob', fullAddress: ['address.line1', 'address.city'] },
    },
  });
  const done = await waitDone(api, request.id);
  expect(done.counts.total).toBe(15);
  expect(done.counts.invalid).toBe(0);
  const rows = JSON.parse(await readOutput(api, done)) as { vid: string; token: string | null; errorCode: string | null }[];
  const vids = demo.submissions.map((s) => String(s.fields.vid));
  expect(rows.map((r) => r.vid).sort()).toEqual(vids.sort());
  for (const r of rows) expect(r.token ?? r.errorCode).toBe(r.vid.endsWith('9') ? 'IDA-DEA-001' : `tok-${r.vid}`);
  expect(odk.requests().some((r) => r.path.endsWith('/Submissions') && r.authorized)).toBe(true);
});

test('refused ODK credentials end the request processed_with_errors with the ODK code, instead of hanging', async () => {
  const request = await api.createRequest({
    inputKind: 'odk',
    config: {
      output: 'json',
      deliverytype: 'download',
      odkconfig: { baseurl: odk.url, projectid: '1', formid: 'registration', email: 'viewer@example.org', password: 'wrong-password' },
    },
  });
  const done = await waitDone(api, request.id);
  expect(done).toMatchObject({ status: 'processed_with_errors', counts: { total: 0, processed: 0, error: 0, invalid: 0 } });
  expect(done.lastError).toMatch(/^[A-Z]/);
  expect(JSON.parse(await readOutput(api, done))).toEqual([]);
});

test('an unreachable ODK ends the request after MTS_PULL_MAX_ATTEMPTS tries, with SOURCE_UNREACHABLE, instead of processing forever', async () => {
  const own = await createTempDir('odk-down-');
  const config = testConfig(own.path, { MTS_PULL_MAX_ATTEMPTS: '3' });
  const store = await openApiStore(config);
  const pulls = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  try {
    // A port nothing listens on: every try is a transport failure (retryable).
    const request = await store.createRequest({
      inputKind: 'odk',
      config: { output: 'csv', deliverytype: 'download', odkconfig: { baseurl: 'http://127.0.0.1:1', projectid: '1', formid: 'f', email: 'e@example.org', password: 'pw' } },
    });
    const done = await waitDone(store, request.id, 60_000);
    expect(done.status).toBe('processed_with_errors');
    expect(done.counts.total).toBe(0);
    expect(done.lastError).toMatch(/^SOURCE_UNREACHABLE:ODK_/);
  } finally {
    await pulls.stop();
    await store.close();
    await own.remove();
  }
});

test('with the outbound policy on (its default), an ODK server on a loopback address is never called: ODK_OUTBOUND_DENIED, not retried', async () => {
  const own = await createTempDir('odk-ssrf-');
  const config = testConfig(own.path, { MTS_OUTBOUND_ALLOW: '' });
  const store = await openApiStore(config);
  const pulls = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  try {
    const seen = odk.requests().length;
    const demo = demoOdkData(15);
    const request = await store.createRequest({
      inputKind: 'odk',
      config: { output: 'csv', deliverytype: 'download', odkconfig: { baseurl: odk.url, projectid: '1', formid: 'registration', email: demo.users[0]!.email, password: demo.users[0]!.password } },
    });
    const done = await waitDone(store, request.id, 60_000);
    expect(done.status).toBe('processed_with_errors');
    expect(done.lastError).toMatch(/^ODK_OUTBOUND_DENIED/); // not SOURCE_UNREACHABLE: a refusal is not retried
    expect(odk.requests().length).toBe(seen);
  } finally {
    await pulls.stop();
    await store.close();
    await own.remove();
  }
});
