// A Google Sheets request: the worker reads the sheet from the Sheets stand-in in row windows at ingest (API key or
// service account), then tokenises the rows; refused credentials and an unreachable API end the request visibly.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { generateKeyPairSync } from 'node:crypto';
import { startSheetsStandin, type RunningSheetsStandin, type StandinCell } from '@mts/sheets-standin';
import { createTempDir, type TempDir } from '@mts/testing';
import type { RequestConfig, Store } from '@mts/store';
import { createLogger, startWorker, type RunningWorker } from '../src/index.js';
import { fakeAuthenticator } from './fake-authenticator.js';
import { openApiStore, readOutput, sql, testConfig, waitDone } from './helpers.js';

jest.setTimeout(120_000);

const EMAIL = 'seeder@synthetic.iam.gserviceaccount.com';
const account = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = account.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const API_KEY = 'synthetic-sheets-key-7f3a9c';
const HEADER = ['Beneficiary ID', 'Full name', 'gender', 'dob', 'address'];
// 57 people in rows 2..58; row 20 is blank; the API drops trailing empty cells of the last ones (padded to '').
const people = Array.from({ length: 57 }, (_, i) => ({ vid: String(7_000_000_000 + i * 13), name: `Quux Person${i}`, gender: i % 2 ? 'Male' : 'Female', dob: '1990/01/01', address: `${i} Synthetic Lane` }));
const rows: StandinCell[][] = [HEADER, ...people.map((p, i) => (i === 18 ? [] : i % 10 === 5 ? [p.vid, p.name, p.gender, p.dob] : [p.vid, p.name, p.gender, p.dob, p.address]))];
const expected = people.filter((_, i) => i !== 18);
const mapping = { vid: 'Beneficiary ID', name: ['Full name'], gender: 'gender', dob: 'dob', fullAddress: ['address'] };

type SheetsConfig = NonNullable<RequestConfig['sheetsconfig']>;

let dir: TempDir;
let sheets: RunningSheetsStandin;
let api: Store;
let worker: RunningWorker;
const logLines: string[] = [];

beforeAll(async () => {
  dir = await createTempDir('sheets-');
  sheets = await startSheetsStandin({
    spreadsheets: [
      { spreadsheetId: 'registry', public: true, sharedWith: [EMAIL], sheets: [{ title: 'Beneficiaries 2026', rows, rowCount: 70 }] },
      { spreadsheetId: 'private', sharedWith: [EMAIL], sheets: [{ title: 'Sheet1', rows, rowCount: 70 }] },
      { spreadsheetId: 'unshared', sheets: [{ title: 'Sheet1', rows }] },
      { spreadsheetId: 'empty', public: true, sheets: [{ title: 'Sheet1', rows: [] }] },
      { spreadsheetId: 'headless', public: true, sheets: [{ title: 'Sheet1', rows: [[], [], ['7000000000', 'No Header']] }] },
    ],
    apiKeys: [API_KEY],
    serviceAccounts: [{ clientEmail: EMAIL, publicKey: account.publicKey.export({ type: 'spki', format: 'pem' }) as string }],
  });
  const config = testConfig(dir.path, { MTS_PULL_PAGE_SIZE: '20' });
  api = await openApiStore(config);
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => logLines.push(c.toString('utf8')));
  worker = await startWorker(config, { authenticator: fakeAuthenticator().auth, logger: createLogger({ level: 'debug', stream: sink }) });
});
afterAll(async () => {
  await worker.stop();
  await api.close();
  await sheets.close();
  await dir.remove();
});

const sheetsRequest = (sheetsconfig: SheetsConfig, output: 'json' | 'csv' = 'json') =>
  api.createRequest({ inputKind: 'sheets', config: { output, deliverytype: 'download', mapping, sheetsconfig } });
const valuesCalls = (id: string) => sheets.requests().filter((r) => r.endpoint === 'values' && r.path.includes(`/spreadsheets/${id}/`));
const keyBody = privateKey.split('\n')[5]!; // a line from the middle of the PEM

test('service account, JSON out: the sheet read in windows of MTS_PULL_PAGE_SIZE rows becomes tokens; the credentials never sit in plaintext and are erased', async () => {
  sheets.clearRequests();
  const request = await sheetsRequest({ spreadsheetId: 'private', baseurl: sheets.url, auth: { type: 'serviceAccount', clientEmail: EMAIL, privateKey, tokenUri: sheets.tokenUrl } });
  const done = await waitDone(api, request.id);
  // Six rows lost their trailing address cell in the API's answer: padded to '', they are 'address is empty'.
  expect(done).toMatchObject({ status: 'processed_with_errors', lastError: null, counts: { total: 56, invalid: 6 } });
  const out = JSON.parse(await readOutput(api, done)) as { vid: string; token: string | null; errorCode: string | null }[];
  expect(out.map((r) => r.vid)).toEqual(expected.map((p) => p.vid));
  const short = new Set(people.filter((_, i) => i % 10 === 5).map((p) => p.vid));
  for (const r of out) expect(r.token ?? r.errorCode).toBe(short.has(r.vid) ? 'ATS-REQ-008' : r.vid.endsWith('9') ? 'IDA-DEA-001' : `tok-${r.vid}`);
  // The header, then rows 2..70 of the 70-row grid in windows of 20: four data windows.
  expect(valuesCalls('private').map((r) => r.range)).toEqual(["'Sheet1'!A1:Z1", "'Sheet1'!A2:Z21", "'Sheet1'!A22:Z41", "'Sheet1'!A42:Z61", "'Sheet1'!A62:Z70"]);
  expect(sheets.requests().filter((r) => r.endpoint === 'token')).toHaveLength(1);

  // Encrypted at rest, never logged, and gone once the request is done.
  const files = readdirSync(dir.path).filter((f) => f.startsWith('seeder.sqlite')).map((f) => readFileSync(join(dir.path, f)).toString('latin1'));
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) expect(f.includes(keyBody) || f.includes(EMAIL)).toBe(false);
  expect(logLines.join('')).not.toContain(keyBody);
  expect(await api.getRequestConfig(request.id)).toBeNull();
  expect(sql<{ config_ct: unknown }>(dir.path, 'SELECT config_ct FROM requests WHERE id = ?', request.id)).toEqual([{ config_ct: null }]);
});

test('API key, CSV out, a quoted sheet name: rows padded where the API dropped trailing cells', async () => {
  const request = await sheetsRequest({ spreadsheetId: 'registry', range: "'Beneficiaries 2026'!A1:E", baseurl: sheets.url, auth: { type: 'apiKey', apiKey: API_KEY } }, 'csv');
  const done = await waitDone(api, request.id);
  expect(done.counts).toMatchObject({ total: 56, invalid: 6 });
  const lines = (await readOutput(api, done)).trim().split(/\r?\n/);
  expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected.map((p) => p.vid));
  expect(valuesCalls('registry').length).toBeGreaterThanOrEqual(4);
  expect(logLines.join('')).not.toContain(API_KEY);
});

test.each([
  ['an invalid API key', { spreadsheetId: 'registry', auth: { type: 'apiKey', apiKey: 'revoked-key' } }, 'SHEETS_AUTH_FAILED'],
  ['a private sheet with an API key', { spreadsheetId: 'private', auth: { type: 'apiKey', apiKey: API_KEY } }, 'SHEETS_PERMISSION_DENIED'],
  ['a service account the sheet is not shared with', { spreadsheetId: 'unshared', auth: { type: 'serviceAccount', clientEmail: EMAIL, privateKey } }, 'SHEETS_PERMISSION_DENIED'],
  ['a spreadsheet that does not exist', { spreadsheetId: 'missing', auth: { type: 'apiKey', apiKey: API_KEY } }, 'SHEETS_NOT_FOUND'],
  ['an empty sheet', { spreadsheetId: 'empty', auth: { type: 'apiKey', apiKey: API_KEY } }, 'SHEETS_EMPTY'],
  ['a range whose first row is empty (no header)', { spreadsheetId: 'headless', auth: { type: 'apiKey', apiKey: API_KEY } }, 'SHEETS_NO_HEADER'],
  ['a range naming a sheet the spreadsheet lacks', { spreadsheetId: 'registry', range: 'Nowhere!A1:E', auth: { type: 'apiKey', apiKey: API_KEY } }, 'SHEETS_BAD_RANGE'],
])('%s ends the request processed_with_errors with the code, at once', async (_name, partial, code) => {
  const auth = partial.auth.type === 'serviceAccount' ? { ...partial.auth, tokenUri: sheets.tokenUrl } : partial.auth;
  const request = await sheetsRequest({ ...partial, auth, baseurl: sheets.url } as SheetsConfig);
  const done = await waitDone(api, request.id);
  expect(done).toMatchObject({ status: 'processed_with_errors', lastError: code, counts: { total: 0 } });
  expect(JSON.parse(await readOutput(api, done))).toEqual([]);
});

test('a service account key the token endpoint refuses (invalid_grant): SHEETS_AUTH_FAILED, not retried', async () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const before = sheets.requests().filter((r) => r.endpoint === 'token').length;
  const request = await sheetsRequest({ spreadsheetId: 'private', baseurl: sheets.url, auth: { type: 'serviceAccount', clientEmail: EMAIL, privateKey: other, tokenUri: sheets.tokenUrl } });
  const done = await waitDone(api, request.id);
  expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'SHEETS_AUTH_FAILED' });
  expect(sheets.requests().filter((r) => r.endpoint === 'token' && r.status === 400)).toHaveLength(1);
  expect(sheets.requests().filter((r) => r.endpoint === 'token').length - before).toBe(1);
});

test('503s from the API are retried: the request still ends with every row', async () => {
  sheets.injectFault({ endpoint: 'values', status: 503, times: 2 });
  const request = await sheetsRequest({ spreadsheetId: 'registry', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: API_KEY } });
  const done = await waitDone(api, request.id, 60_000);
  expect(done).toMatchObject({ lastError: null, counts: { total: 56 } });
});

test('an unreachable Sheets API ends the request after MTS_PULL_MAX_ATTEMPTS tries with SOURCE_UNREACHABLE, not processing forever', async () => {
  const own = await createTempDir('sheets-down-');
  const config = testConfig(own.path, { MTS_PULL_MAX_ATTEMPTS: '3' });
  const store = await openApiStore(config);
  const pulls = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  try {
    const request = await store.createRequest({
      inputKind: 'sheets',
      config: { output: 'csv', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'registry', baseurl: 'http://127.0.0.1:1', auth: { type: 'apiKey', apiKey: API_KEY } } },
    });
    const done = await waitDone(store, request.id, 60_000);
    expect(done).toMatchObject({ status: 'processed_with_errors', counts: { total: 0 } });
    expect(done.lastError).toMatch(/^SOURCE_UNREACHABLE:SHEETS_NETWORK/);
  } finally {
    await pulls.stop();
    await store.close();
    await own.remove();
  }
});

test('with the outbound policy on (its default), a Sheets API on a loopback address is never called: SHEETS_OUTBOUND_DENIED, not retried', async () => {
  const own = await createTempDir('sheets-ssrf-');
  const config = testConfig(own.path, { MTS_OUTBOUND_ALLOW: '' });
  const store = await openApiStore(config);
  const pulls = await startWorker(config, { authenticator: fakeAuthenticator().auth });
  try {
    const seen = sheets.requests().length;
    const request = await store.createRequest({
      inputKind: 'sheets',
      config: { output: 'csv', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'private', baseurl: sheets.url, auth: { type: 'serviceAccount', clientEmail: EMAIL, privateKey, tokenUri: sheets.tokenUrl } } },
    });
    const done = await waitDone(store, request.id, 60_000);
    expect(done).toMatchObject({ status: 'processed_with_errors', lastError: 'SHEETS_OUTBOUND_DENIED' });
    expect(sheets.requests().length).toBe(seen); // not even the token endpoint
  } finally {
    await pulls.stop();
    await store.close();
    await own.remove();
  }
});
