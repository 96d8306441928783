// The worker's own logic end to end over a real store and real Agenda (SQLite), with an in-test IDA stand-in.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import type { Store } from '@mts/store';
import { startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, people, readOutput, submit, testConfig, waitDone, waitFor } from './helpers.js';

jest.setTimeout(120_000);

let dir: TempDir;
let api: Store;
let worker: RunningWorker | undefined;

beforeEach(async () => {
  dir = await createTempDir('worker-');
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await api?.close();
  await dir.remove();
});

test('JSON records become tokens in JSON and CSV outputs, with MTS codes for invalid and refused records', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const fake = fakeAuthenticator();
  worker = await startWorker(config, { authenticator: fake.auth });
  const input = people(60);
  const jsonId = await submit(api, 'ndjson', input, { output: 'json' });
  const csvId = await submit(api, 'ndjson', input, { output: 'csv' });

  const json = await waitDone(api, jsonId);
  expect(json.status).toBe('processed_with_errors');
  expect(json.counts).toEqual({ total: 60, processed: 48, error: 6, invalid: 6 });
  const rows = JSON.parse(await readOutput(api, json)) as Record<string, unknown>[];
  expect(rows).toHaveLength(60);
  expect(rows[0]).toEqual({ vid: '4000000000', status: 'processed', token: 'tok-4000000000', errorCode: null, errorMessage: null });
  expect(rows[7]).toMatchObject({ vid: '4000000007', status: 'invalid', token: null, errorCode: 'ATS-REQ-011' });
  expect(rows[9]).toMatchObject({ status: 'error', errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match' });

  const csv = await waitDone(api, csvId);
  const lines = (await readOutput(api, csv)).trim().split(/\r?\n/);
  expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
  expect(lines[1]).toBe('4000000000,processed,tok-4000000000,,');
  expect(lines).toHaveLength(61);

  // Each valid record went to IDA exactly once per request; PII is erased once delivered.
  expect([...fake.calls.values()].every((n) => n === 2)).toBe(true);
  expect(fake.calls.size).toBe(54);
  expect(json.piiErasedAt).toBeInstanceOf(Date);
  expect(await api.getRequestConfig(jsonId)).toBeNull();

  // No submitted name, in any file the service wrote (databases, WAL, job table, inputs, outputs).
  const files = await listFiles(dir.path);
  expect(files.some((f) => f.endsWith('seeder.sqlite'))).toBe(true);
  expect(files.some((f) => f.endsWith('jobs.sqlite'))).toBe(true);
  for (const f of files) expect({ f, leaks: (await readFile(f)).includes('Zorbelina') }).toEqual({ f, leaks: false });
});

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

test('a CSV upload with its own delimiter and mapping, and a JSON array input, both come out tokenised', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const fake = fakeAuthenticator();
  worker = await startWorker(config, { authenticator: fake.auth });
  const csv = [
    'id;first;last;sex;born;addr',
    '5000000001;Zorbelina;Quux;Female;1990-02-03;1 Synthetic Lane',
    '5000000002;Ablo;Quux;Male;1985/12/31;2 Synthetic Lane',
    '5000000003;;;Male;1985/12/31;3 Synthetic Lane',
  ].join('\n');
  const csvId = await submit(api, 'csv', csv, {
    output: 'csv',
    csvDelimiter: ';',
    mapping: { vid: 'id', name: ['first', 'last'], gender: 'sex', dob: 'born', fullAddress: ['addr'] },
  });
  const done = await waitDone(api, csvId);
  expect(done.counts).toEqual({ total: 3, processed: 2, error: 0, invalid: 1 });
  const lines = (await readOutput(api, done)).trim().split(/\r?\n/);
  expect(lines.slice(1, 3)).toEqual(['5000000001,processed,tok-5000000001,,', '5000000002,processed,tok-5000000002,,']);
  expect(lines[3]).toMatch(/^5000000003,invalid,,ATS-REQ-003,/);

  const id = api.newRequestId();
  await api.saveInput(id, 'json', [JSON.stringify(people(5))]);
  await api.createRequest({ id, inputKind: 'json', config: { output: 'json', deliverytype: 'download' } });
  const rows = JSON.parse(await readOutput(api, await waitDone(api, id))) as { token: string }[];
  expect(rows.map((r) => r.token)).toEqual(['tok-4000000000', 'tok-4000000001', 'tok-4000000002', 'tok-4000000003', 'tok-4000000004']);
});

test('outputFormat reshapes each row over {input, output} in CSV and JSON outputs', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  const format = '{id: .output.vid, tok: .output.token, where: .input.fullAddress, code: .output.errorCode}';
  const csvId = await submit(api, 'ndjson', people(10), { output: 'csv', outputFormat: format });
  const jsonId = await submit(api, 'ndjson', people(10), { output: 'json', outputFormat: format });
  const lines = (await readOutput(api, await waitDone(api, csvId))).trim().split(/\r?\n/);
  expect(lines[0]).toBe('id,tok,where,code');
  expect(lines[1]).toBe('4000000000,tok-4000000000,0 Synthetic Lane,');
  expect(lines[8]).toBe('4000000007,,7 Synthetic Lane,ATS-REQ-011');
  const rows = JSON.parse(await readOutput(api, await waitDone(api, jsonId))) as Record<string, unknown>[];
  expect(rows[9]).toEqual({ id: '4000000009', tok: null, where: '9 Synthetic Lane', code: 'IDA-DEA-001' });
});

test('a small request submitted behind a big one is served alongside it, not after it', async () => {
  const config = testConfig(dir.path, { MTS_IDA_CONCURRENCY: '2' });
  api = await openApiStore(config);
  const fake = fakeAuthenticator({ delayMs: 3 });
  worker = await startWorker(config, { authenticator: fake.auth });
  const bigId = await submit(api, 'ndjson', people(400, 0));
  const smallId = await submit(api, 'ndjson', people(20, 10_000));

  const small = await waitDone(api, smallId);
  const bigAtThatMoment = (await api.getRequest(bigId))!;
  expect(small.counts.total).toBe(20);
  expect(bigAtThatMoment.phase).not.toBe('done');
  const big = await waitDone(api, bigId, 60_000);
  expect(big.counts).toEqual({ total: 400, processed: 320, error: 40, invalid: 40 });
});

test('IDA down: records wait and retry; when it returns the request finishes with nothing lost', async () => {
  const config = testConfig(dir.path);
  api = await openApiStore(config);
  const fake = fakeAuthenticator();
  fake.setDown(true);
  worker = await startWorker(config, { authenticator: fake.auth });
  const id = await submit(api, 'ndjson', people(80));

  await waitFor(async () => (await api.getRequest(id))?.phase === 'processing', 10_000, 'processing');
  await new Promise((r) => setTimeout(r, 600));
  const during = (await api.getRequest(id))!;
  expect(during.status).toBe('processing');
  expect(during.counts.processed + during.counts.error).toBe(0);
  expect(await api.countPending(id)).toBe(72);

  fake.setDown(false);
  const done = await waitDone(api, id);
  expect(done.counts).toEqual({ total: 80, processed: 64, error: 8, invalid: 8 });
  expect([...fake.calls.values()].every((n) => n === 1)).toBe(true);
  expect(fake.calls.size).toBe(72);
});
