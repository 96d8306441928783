// output "ndjson" end to end (IDA sandbox, worker, API over real HTTP): JSON and CSV in, NDJSON out; the download's
// type and file name; a bulk callback with the NDJSON body, and per-record callbacks as for json.
import { join } from 'node:path';
import { createTempDir, startCallbackReceiver, type CallbackReceiver, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 6).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'mosip.token.seeder', version: '1.1.0', metadata: '', requesttime: new Date().toISOString(), request });

let dir: TempDir;
let sandbox: RunningSandbox;
let worker: RunningWorker;
let api: RunningApi;
let rx: CallbackReceiver;
let folks: { vid: string; name: string; gender: string; dob: string }[];

beforeAll(async () => {
  dir = await createTempDir('api-ndjson-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 6 });
  folks = sandbox.identities.slice(0, 4).map((i) => {
    const eng = (v: unknown) => (v as { language: string; value: string }[]).find((x) => x.language === 'eng')!.value;
    const a = i.attributes;
    return { vid: i.uin, name: eng(a.fullName), gender: eng(a.gender), dob: String(a.dateOfBirth) };
  });
  const env = {
    MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
    MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost', MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4',
    MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
    ...sandboxPartnerEnv(sandbox),
  };
  const silent = createLogger({ silent: true });
  worker = await startWorker(loadWorkerConfig(env), { logger: silent as never, callbackOptions: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } });
  api = await startApi(loadConfig(env), { logger: silent });
  rx = await startCallbackReceiver();
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await Promise.all([sandbox?.close(), rx?.close()]);
  await dir?.remove();
});

const post = (path: string, body: unknown) => http(`${api.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function finished(id: string): Promise<{ status: string; counts: Record<string, number> }> {
  for (let i = 0; i < 400; i++) {
    const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
    if (/^(processed|error_)/.test(s.status)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('request did not finish');
}
async function arrived(match: (c: CallbackReceiver['calls'][number]) => boolean, count = 1): Promise<CallbackReceiver['calls'][number]> {
  for (let i = 0; i < 400; i++) {
    const calls = rx.calls.filter(match);
    if (calls.length >= count) return calls[0]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('callback did not arrive');
}
const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { vid: string; status: string; token: string | null; errorCode: string | null });

test('JSON in, NDJSON out: one record per line with its token, served as application/x-ndjson with a .ndjson name', async () => {
  const authdata = [...folks, { vid: '4000000009', name: 'Nobody' }];
  const res = await post('authtoken/json', envelopeOf({ output: 'ndjson', deliverytype: 'download', authdata }));
  expect(res.status).toBe(200);
  const id = (await res.json()).response.request_identifier as string;
  expect(await finished(id)).toMatchObject({ status: 'processed_with_errors', counts: { total: 5, processed: 4, invalid: 1 } });
  const file = await http(`${api.url}/authtoken/file/${id}`);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  expect(file.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?${id}\\.ndjson"?$`));
  const text = await file.text();
  expect(text.endsWith('\n')).toBe(true);
  const records = lines(text);
  expect(records.map((r) => r.vid)).toEqual([...folks.map((f) => f.vid), '4000000009']);
  expect(records.slice(0, 4).every((r) => r.status === 'processed' && typeof r.token === 'string' && r.token.length > 0)).toBe(true);
  expect(records[4]).toMatchObject({ status: 'invalid', token: null, errorCode: 'ATS-REQ-011' });
});

test('CSV in, NDJSON out, through an outputFormat', async () => {
  const csv = ['vid,name,gender,dob', ...folks.slice(0, 2).map((f) => [f.vid, f.name, f.gender, f.dob].join(','))].join('\n');
  const form = new FormData();
  form.append('request', JSON.stringify(envelopeOf({ output: 'ndjson', deliverytype: 'download', outputFormat: '{id: .output.vid, ok: (.output.status == "processed")}' })));
  form.append('csv_file', new Blob([csv]), 'people.csv');
  const id = (await (await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form })).json()).response.request_identifier as string;
  expect((await finished(id)).status).toBe('processed');
  const text = await (await http(`${api.url}/authtoken/file/${id}`)).text();
  expect(text.split('\n').filter(Boolean).map((l) => JSON.parse(l))).toEqual(folks.slice(0, 2).map((f) => ({ id: f.vid, ok: true })));
});

test('a bulk callback gets the NDJSON output as its body; without callInBulk each record goes alone, as for json', async () => {
  const bulk = await post('authtoken/json', envelopeOf({
    output: 'ndjson', deliverytype: 'callback', authdata: folks.slice(0, 3),
    callbackProperties: { url: `${rx.url}/callback/post/ndjson/noauth`, callInBulk: true },
  }));
  const bulkId = (await bulk.json()).response.request_identifier as string;
  expect((await finished(bulkId)).status).toBe('processed');
  // The callback follows the processed status.
  const call = await arrived((c) => c.path === '/callback/post/ndjson/noauth');
  expect(call.status).toBe(200);
  expect((call.body as { vid: string }[]).map((r) => r.vid)).toEqual(folks.slice(0, 3).map((f) => f.vid));

  const each = await post('authtoken/json', envelopeOf({
    output: 'ndjson', deliverytype: 'callback', authdata: folks.slice(0, 2),
    callbackProperties: { url: `${rx.url}/callback/post/json/noauth`, callInBulk: false },
  }));
  const eachId = (await each.json()).response.request_identifier as string;
  expect((await finished(eachId)).status).toBe('processed');
  await arrived((c) => c.path === '/callback/post/json/noauth', 2);
  const single = rx.calls.filter((c) => c.path === '/callback/post/json/noauth').map((c) => (c.body as { vid: string }).vid);
  expect(single.sort()).toEqual(folks.slice(0, 2).map((f) => f.vid).sort());
});

test('an unknown output is still refused with ATS-REQ-102', async () => {
  const res = await post('authtoken/json', envelopeOf({ output: 'xml', deliverytype: 'download', authdata: folks.slice(0, 1) }));
  expect(res.status).toBe(400);
  expect((await res.json()).errors[0]).toMatchObject({ errorCode: 'ATS-REQ-102' });
});
