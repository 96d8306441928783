// POST authtoken/sheets end to end over real HTTP: API, worker, IDA sandbox and the Google Sheets stand-in on port 0.
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { demoSheetsData, peopleFromIdentities, startSheetsStandin, type DemoSheetsData, type RunningSheetsStandin } from '@mts/sheets-standin';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { readFileSync } from 'node:fs';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 5).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'mosip.token.seeder', version: '1.0', metadata: '', requesttime: new Date().toISOString(), request });

describe('POST authtoken/sheets (API + worker + IDA sandbox + Sheets stand-in)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let sheets: RunningSheetsStandin;
  let demo: DemoSheetsData;
  let worker: RunningWorker;
  let api: RunningApi;
  let people: number;

  beforeAll(async () => {
    dir = await createTempDir('api-sheets-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 12 });
    // The demo sheets, filled with the sandbox's own people: the rows authenticate.
    const folks = peopleFromIdentities(JSON.parse(readFileSync(sandbox.identitiesPath, 'utf8'))).slice(0, 8);
    people = folks.length;
    demo = demoSheetsData(folks);
    sheets = await startSheetsStandin(demo);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost', MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4', MTS_PULL_PAGE_SIZE: '400',
      MTS_PULL_MAX_ATTEMPTS: '2', MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
    api = await startApi(loadConfig(env), { logger: silent });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await Promise.all([sandbox?.close(), sheets?.close()]);
    await dir?.remove();
  });

  const post = (body: unknown) => http(`${api.url}/authtoken/sheets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const serviceAccount = () => ({ type: 'serviceAccount', clientEmail: demo.serviceAccountKey.client_email, privateKey: demo.serviceAccountKey.private_key, tokenUri: sheets.tokenUrl });
  async function finished(id: string): Promise<{ status: string; counts: Record<string, number>; errorCode?: string }> {
    for (let i = 0; i < 600; i++) {
      const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
      if (/^(processed|error_)/.test(s.status)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('request did not finish');
  }

  it('a private sheet read with a service account, CSV out: a token for every person', async () => {
    const res = await post(envelopeOf({ output: 'csv', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo-private', range: 'People!A1:G', baseurl: sheets.url, auth: serviceAccount() } }));
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier;
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: people, processed: people } });
    const csv = (await (await http(`${api.url}/authtoken/file/${id}`)).text()).trim().split(/\r?\n/);
    expect(csv).toHaveLength(people + 1);
    expect(csv.slice(1).every((l) => /,processed,[^,]+,,$/.test(l))).toBe(true);
    // The demo sheet has a new sheet's grid (1000 rows): the header, then three windows of 400 rows, columns A..G.
    expect(sheets.requests().filter((r) => r.endpoint === 'values').map((r) => r.range)).toEqual(["'People'!A1:G1", "'People'!A2:G401", "'People'!A402:G801", "'People'!A802:G1000"]);
  });

  it('a public sheet with an API key, JSON out', async () => {
    const res = await post(envelopeOf({ output: 'json', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo-people', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: demo.apiKey } } }));
    const id = (await res.json()).response.request_identifier;
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: people } });
    const out = await (await http(`${api.url}/authtoken/file/${id}`)).json();
    expect(out).toHaveLength(people);
    expect(out.every((r: { status: string; token: string }) => r.status === 'processed' && r.token.length > 0)).toBe(true);
  });

  it.each([
    [{}, 'ATS-REQ-040'],
    [{ spreadsheetId: '', auth: { type: 'apiKey', apiKey: 'k' } }, 'ATS-REQ-041'],
    [{ spreadsheetId: 'x', range: 'Bad Name!A1', auth: { type: 'apiKey', apiKey: 'k' } }, 'ATS-REQ-042'],
    [{ spreadsheetId: 'x', auth: { type: 'serviceAccount', clientEmail: 'a@b.c', privateKey: 'not a key' } }, 'ATS-REQ-046'],
  ])('refuses a bad sheetsconfig at once with 400 and its code (case %#)', async (sheetsconfig, code) => {
    const res = await post(envelopeOf({ output: 'json', deliverytype: 'download', sheetsconfig }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].errorCode).toBe(code);
  });

  it('an empty or broken body is a clear 4xx, never a 500', async () => {
    const empty = await http(`${api.url}/authtoken/sheets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
    expect([empty.status, (await empty.json()).errors[0].errorCode]).toEqual([400, 'ATS-REQ-102']);
    const broken = await http(`${api.url}/authtoken/sheets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"request":' });
    expect([broken.status, (await broken.json()).errors[0].errorCode]).toEqual([422, 'ATS-REQ-102']);
  });

  it('a refused credential and an unreachable API both end visibly, with the code in the status', async () => {
    const denied = (await (await post(envelopeOf({ output: 'json', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo-private', baseurl: sheets.url, auth: { type: 'apiKey', apiKey: demo.apiKey } } }))).json()).response.request_identifier;
    expect(await finished(denied)).toMatchObject({ status: 'processed_with_errors', errorCode: 'SHEETS_PERMISSION_DENIED', counts: { total: 0 } });
    const down = (await (await post(envelopeOf({ output: 'json', deliverytype: 'download', sheetsconfig: { spreadsheetId: 'demo-people', baseurl: 'http://127.0.0.1:1', auth: { type: 'apiKey', apiKey: demo.apiKey } } }))).json()).response.request_identifier;
    const status = await finished(down);
    expect(status.status).toBe('processed_with_errors');
    expect(status.errorCode).toMatch(/^SOURCE_UNREACHABLE:SHEETS_NETWORK/);
  });

  it('lists the endpoint in the OpenAPI document with its sheetsconfig schema', async () => {
    const doc = await (await http(`${api.url}/openapi.json`)).json();
    const op = doc.paths['/authtoken/sheets']?.post;
    expect(op.requestBody.content['application/json'].schema.properties.request.properties.sheetsconfig.properties.spreadsheetId).toBeDefined();
  });
});
