// WebSub end to end over real HTTP: IDA sandbox, worker, API, the WebSub hub stand-in and a subscriber that checks
// the X-Hub-Signature of every delivery — the request exactly as a caller would send it with curl.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { startTestSubscriber, startWebsubHub, type RunningWebsubHub, type TestSubscriber } from '@mts/websub-hub';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const SECRET = 'synthetic-subscriber-secret';
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'mosip.token.seeder', version: '1.0', metadata: '', requesttime: new Date().toISOString(), request });

interface Person { vid: string; name: string; gender: string; dob: string }

function people(identitiesPath: string): Person[] {
  const raw = JSON.parse(readFileSync(identitiesPath, 'utf8'));
  const list = (Array.isArray(raw) ? raw : raw.identities) as { uin: string; status: string; demoAuthLocked: boolean; attributes: Record<string, unknown> }[];
  const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined);
  return list
    .filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked)
    .map((i) => ({ vid: i.uin, name: eng(i.attributes.fullName)!, gender: eng(i.attributes.gender)!, dob: String(i.attributes.dateOfBirth) }));
}

let dir: TempDir;
let sandbox: RunningSandbox;
let worker: RunningWorker;
let api: RunningApi;
let hub: RunningWebsubHub;
let sub: TestSubscriber;
let folks: Person[];

beforeAll(async () => {
  dir = await createTempDir('api-websub-');
  sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 10 });
  folks = people(sandbox.identitiesPath).slice(0, 4);
  const env = {
    MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
    MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost', MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4',
    MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
    TOKENSEEDER_AUTHTOKEN__MANDATORY_VALIDATION_AUTH_FIELDS: 'name,gender,dob',
    ...sandboxPartnerEnv(sandbox),
  };
  const silent = createLogger({ silent: true });
  worker = await startWorker(loadWorkerConfig(env), { logger: silent as never, deliveryOptions: { websub: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } } });
  api = await startApi(loadConfig(env), { logger: silent });
  hub = await startWebsubHub({ retryDelayMs: 10, topics: ['tokens'], acceptTokens: ['synthetic-hub-token'] });
  sub = await startTestSubscriber({ secret: SECRET });
  await sub.subscribe(hub.url, 'tokens', { authToken: 'synthetic-hub-token' });
  await hub.idle();
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await Promise.all([sandbox?.close(), hub?.close(), sub?.close()]);
  await dir?.remove();
});

const post = (body: unknown) => http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function finished(id: string): Promise<{ status: string; errorCode?: string }> {
  for (let i = 0; i < 400; i++) {
    const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
    if (/^(processed|error_)/.test(s.status)) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('request did not finish');
}
test('bad websubProperties are refused at submission with their ATS-REQ code and 400, and nothing is published', async () => {
  const base = { output: 'json', deliverytype: 'websub', authdata: folks.slice(0, 1) };
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'ATS-REQ-070'],
    [{ websubProperties: { hubUrl: 'not a url', topic: 'tokens' } }, 'ATS-REQ-071'],
    [{ websubProperties: { hubUrl: hub.url, topic: '' } }, 'ATS-REQ-072'],
    [{ websubProperties: { hubUrl: hub.url, topic: 'tokens', timeoutSeconds: 0 } }, 'ATS-REQ-073'],
    [{ websubProperties: { hubUrl: hub.url, topic: 'tokens', extraHeaders: { Host: 'elsewhere' } } }, 'ATS-REQ-075'],
    [{ websubProperties: { hubUrl: hub.url, topic: 'tokens', authToken: '' } }, 'ATS-REQ-076'],
    [{ output: 'csv', websubProperties: { hubUrl: hub.url, topic: 'tokens' } }, 'ATS-REQ-079'],
  ];
  for (const [request, code] of cases) {
    const res = await post(envelopeOf({ ...base, ...request }));
    const body = await res.json();
    expect([res.status, body.errors?.[0]?.errorCode]).toEqual([400, code]);
    expect(body.response).toBeNull();
  }
  expect(hub.publishes()).toEqual([]);
});

test('json per record through the API: every token reaches the subscriber signed, and matches the downloadable output', async () => {
  const res = await post(envelopeOf({
    output: 'json', deliverytype: 'websub', authdata: folks,
    websubProperties: { hubUrl: hub.url, topic: 'tokens', authToken: 'synthetic-hub-token', callInBulk: false },
  }));
  expect(res.status).toBe(200);
  const id = (await res.json()).response.request_identifier;
  expect((await finished(id)).status).toBe('processed');
  for (let i = 0; i < 400 && sub.received.length < folks.length; i++) await new Promise((r) => setTimeout(r, 50));
  await hub.idle();
  expect(sub.received).toHaveLength(folks.length);
  expect(sub.received.every((r) => r.signatureValid)).toBe(true);
  const published = sub.received.map((r) => JSON.parse(r.body) as { vid: string; token: string });
  const file = await (await http(`${api.url}/authtoken/file/${id}`)).json();
  expect(published.sort((a, b) => a.vid.localeCompare(b.vid))).toEqual([...file].sort((a: Person, b: Person) => a.vid.localeCompare(b.vid)));
  expect(published.every((r) => r.token.length > 0)).toBe(true);
  sub.received.length = 0;
});

test('csv upload, csv output in bulk: one signed text/csv message', async () => {
  const csv = ['vid,name,gender,dob', ...folks.slice(0, 2).map((f) => [f.vid, f.name, f.gender, f.dob].join(','))].join('\n');
  const form = new FormData();
  form.append('request', JSON.stringify(envelopeOf({ output: 'csv', deliverytype: 'websub', websubProperties: { hubUrl: hub.url, topic: 'tokens', authToken: 'synthetic-hub-token', callInBulk: true } })));
  form.append('csv_file', new Blob([csv]), 'people.csv');
  const id = (await (await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form })).json()).response.request_identifier;
  expect((await finished(id)).status).toBe('processed');
  for (let i = 0; i < 400 && sub.received.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
  await hub.idle();
  expect(sub.received).toHaveLength(1);
  expect(sub.received[0]).toMatchObject({ contentType: 'text/csv; charset=utf-8', signatureValid: true });
  expect(sub.received[0]!.body).toBe(await (await http(`${api.url}/authtoken/file/${id}`)).text());
  sub.received.length = 0;
});

test('a denied publish: status error_making_websub_request with the hub reason, and the output still downloads', async () => {
  const res = await post(envelopeOf({
    output: 'json', deliverytype: 'websub', authdata: folks.slice(0, 2),
    websubProperties: { hubUrl: hub.url, topic: 'tokens' }, // no authToken: the hub refuses
  }));
  const id = (await res.json()).response.request_identifier;
  let status = await finished(id);
  for (let i = 0; i < 400 && status.status !== 'error_making_websub_request'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response;
  }
  expect(status).toMatchObject({ status: 'error_making_websub_request', errorCode: 'WEBSUB_DENIED: Authorization cookie is missing' });
  const file = await http(`${api.url}/authtoken/file/${id}`);
  expect(file.status).toBe(200);
  expect((await file.json()).map((r: Person) => r.vid)).toEqual(folks.slice(0, 2).map((f) => f.vid));
});
