// End to end over real HTTP: IDA sandbox, worker, API (and ODK stand-in, callback receiver) on port 0, temp dirs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, startCallbackReceiver, type CallbackReceiver, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { startOdkStandin, type RunningOdkStandin } from '@mts/odk-standin';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(60_000);
const DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: new Date().toISOString(), request });

interface Person { vid: string; name: string; gender: string; dob: string; fullAddress: string }

function people(identitiesPath: string): Person[] {
  const raw = JSON.parse(readFileSync(identitiesPath, 'utf8'));
  const list = (Array.isArray(raw) ? raw : raw.identities) as { uin: string; status: string; demoAuthLocked: boolean; attributes: Record<string, unknown> }[];
  const eng = (v: unknown) => (Array.isArray(v) ? (v as { language: string; value: string }[]).find((x) => x.language === 'eng')?.value : typeof v === 'string' ? v : undefined);
  return list
    .filter((i) => i.status === 'ACTIVATED' && !i.demoAuthLocked)
    .map((i) => {
      const a = i.attributes;
      const address = ['addressLine1', 'addressLine2', 'addressLine3', 'city', 'region', 'province', 'postalCode'].map((k) => eng(a[k])).filter(Boolean);
      return { vid: i.uin, name: eng(a.fullName)!, gender: eng(a.gender)!, dob: String(a.dateOfBirth), fullAddress: address.join(', ') };
    });
}

async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('token seeder end to end (sandbox + worker + API)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let worker: RunningWorker;
  let api: RunningApi;
  let syncApi: RunningApi;
  let odk: RunningOdkStandin;
  let rx: CallbackReceiver;
  let folks: Person[];

  beforeAll(async () => {
    dir = await createTempDir('api-e2e-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 12 });
    folks = people(sandbox.identitiesPath).slice(0, 6);
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_OUTBOUND_ALLOW: '127.0.0.1,::1,localhost',
      MTS_POLL_INTERVAL_MS: '50', MTS_CHUNK_SIZE: '4',
      // Agenda waits lockLifetime/2 after each job with an uncancellable timer: keep it short so Jest exits promptly.
      MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never, callbackOptions: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 10 } });
    api = await startApi(loadConfig(env), { logger: silent });
    syncApi = await startApi(loadConfig({ ...env, TOKENSEEDER_ROOT__SYNC_OPERATION_MODE: 'true' }), { logger: silent });
    odk = await startOdkStandin({
      users: [{ email: 'viewer@example.org', password: 'synthetic-pw' }],
      forms: [{ projectId: 1, xmlFormId: 'registration' }],
      submissions: folks.slice(0, 3).map((f) => ({ xmlFormId: 'registration', fields: { vid: f.vid, person: { name: f.name, gender: f.gender, dob: f.dob }, address: { full: f.fullAddress } } })),
    });
    rx = await startCallbackReceiver();
  });
  afterAll(async () => {
    await Promise.all([api?.close(), syncApi?.close()]);
    await worker?.stop();
    await Promise.all([sandbox?.close(), odk?.close(), rx?.close()]);
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

  it('JSON in, CSV out: tokens for real people, a clear error for an invalid record', async () => {
    const authdata = [...folks.slice(0, 4), { vid: '4000000009', name: 'Nobody' }];
    const res = await post('authtoken/json', envelopeOf({ output: 'csv', deliverytype: 'download', authdata }));
    const id = (await res.json()).response.request_identifier;
    const status = await finished(id);
    expect(status).toMatchObject({ status: 'processed_with_errors', counts: { total: 5, processed: 4, error: 0, invalid: 1 } });
    const file = await http(`${api.url}/authtoken/file/${id}`);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await file.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('vid,status,token,errorCode,errorMessage');
    expect(lines.filter((l) => /,processed,[^,]+,,$/.test(l))).toHaveLength(4);
    expect(lines.find((l) => l.startsWith('4000000009'))).toMatch(/,invalid,,ATS-REQ-011,/);
  });

  it('CSV in, JSON out', async () => {
    const csv = ['vid,name,gender,dob,fullAddress', ...folks.slice(0, 2).map((f) => [f.vid, f.name, f.gender, f.dob, `"${f.fullAddress}"`].join(','))].join('\n');
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download' })));
    form.append('csv_file', new Blob([csv]), 'people.csv');
    const id = (await (await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form })).json()).response.request_identifier;
    expect((await finished(id)).status).toBe('processed');
    const out = await (await http(`${api.url}/authtoken/file/${id}`)).json();
    expect(out).toHaveLength(2);
    expect(out.every((r: { status: string; token: string }) => r.status === 'processed' && r.token.length > 0)).toBe(true);
  });

  it('CSV without a header row (csvHeader: false), mapped by column index', async () => {
    const csv = folks.slice(0, 3).map((f) => [f.name, f.vid, f.gender, f.dob, `"${f.fullAddress}"`].join(',')).join('\n');
    const request = envelopeOf({
      output: 'json', deliverytype: 'download', csvHeader: false,
      mapping: { vid: '1', name: ['0'], gender: '2', dob: '3', fullAddress: ['4'] },
    });
    const form = new FormData();
    form.append('request', JSON.stringify(request));
    form.append('csv_file', new Blob([csv]), 'people.csv');
    const id = (await (await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form })).json()).response.request_identifier;
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: 3, processed: 3 } });
    const out = await (await http(`${api.url}/authtoken/file/${id}`)).json();
    expect(out.map((r: { vid: string }) => r.vid)).toEqual(folks.slice(0, 3).map((f) => f.vid));

    // One line is a whole file without a header; a csvHeader that is not a boolean is refused.
    const one = new FormData();
    one.append('request', JSON.stringify(request));
    one.append('csv_file', new Blob([csv.split('\n')[0]!]), 'one.csv');
    const oneId = (await (await http(`${api.url}/authtoken/csv`, { method: 'POST', body: one })).json()).response.request_identifier;
    expect(await finished(oneId)).toMatchObject({ status: 'processed', counts: { total: 1, processed: 1 } });
    const bad = new FormData();
    bad.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download', csvHeader: 'no' })));
    bad.append('csv_file', new Blob([csv]), 'people.csv');
    const refused = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: bad });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual([{ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. csvHeader must be true or false' }]);
  });

  it('ODK in (pulled by the worker from the stand-in)', async () => {
    const res = await post('authtoken/odk', envelopeOf({
      output: 'json', deliverytype: 'download',
      mapping: { vid: 'vid', name: ['person.name'], gender: 'person.gender', dob: 'person.dob', fullAddress: ['address.full'] },
      odkconfig: { baseurl: odk.url, email: 'viewer@example.org', password: 'synthetic-pw', projectid: '1', formid: 'registration' },
    }));
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier;
    expect(await finished(id)).toMatchObject({ status: 'processed', counts: { total: 3, processed: 3 } });
  });

  it('delivers JSON per record and CSV in bulk to the callback receiver', async () => {
    const json = await post('authtoken/json', envelopeOf({
      output: 'json', deliverytype: 'callback', authdata: folks.slice(0, 3),
      callbackProperties: { url: `${rx.url}/callback/post/json/noauth`, callInBulk: false },
    }));
    const jsonId = (await json.json()).response.request_identifier;
    expect((await finished(jsonId)).status).toBe('processed');
    await waitFor(() => rx.calls.filter((c) => c.path.endsWith('/json/noauth')).length === 3);
    const csv = await post('authtoken/json', envelopeOf({
      output: 'csv', deliverytype: 'callback', authdata: folks.slice(0, 2),
      callbackProperties: { url: `${rx.url}/callback/post/csv/noauth`, callInBulk: true, requestFileName: 'tokens.csv' },
    }));
    const csvId = (await csv.json()).response.request_identifier;
    expect((await finished(csvId)).status).toBe('processed');
    const jsonCalls = rx.calls.filter((c) => c.path.endsWith('/json/noauth'));
    expect(jsonCalls).toHaveLength(3);
    expect(jsonCalls.every((c) => (c.body as { status: string }).status === 'processed')).toBe(true);
    // MTS order: the status turns processed when the output exists; the callback follows.
    const csvCall = await waitFor(() => rx.calls.find((c) => c.path.endsWith('/csv/noauth')));
    expect(csvCall.files?.[0]).toMatchObject({ field: 'tokens.csv', filename: 'tokens.csv' });
    expect(csvCall.files![0].content.trim().split('\n')).toHaveLength(3);
  });

  it('marks a request whose callback fails as error_making_callback_request', async () => {
    const res = await post('authtoken/json', envelopeOf({
      output: 'json', deliverytype: 'callback', authdata: folks.slice(0, 1),
      callbackProperties: { url: `${rx.url}/callback/post/failure/noauth`, callInBulk: true },
    }));
    const id = (await res.json()).response.request_identifier;
    await finished(id);
    expect(await waitFor(async () => {
      const s = (await (await http(`${api.url}/authtoken/status/${id}`)).json()).response.status;
      return s === 'error_making_callback_request' && s;
    })).toBe('error_making_callback_request');
    // Unlike MTS (ATS-REQ-017 for ever), the written output stays downloadable: the caller's fallback.
    const file = await http(`${api.url}/authtoken/file/${id}`);
    expect(file.status).toBe(200);
    expect(await file.json()).toEqual([expect.objectContaining({ status: 'processed', token: expect.any(String) })]);
  });

  it('authenticates one record synchronously, on authtoken/sync and behind sync_operation_mode', async () => {
    const f = folks[0];
    const direct = await (await post('authtoken/sync', envelopeOf({ authdata: f }))).json();
    expect(direct).toMatchObject({ version: '1.0', errors: null, response: { authStatus: true } });
    expect(direct.response.authToken.length).toBeGreaterThan(0);
    const switched = await (await http(`${syncApi.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelopeOf({ authdata: { ...f, dob: '1900/01/01' } })) })).json();
    expect(switched.response).toEqual({ authStatus: false });
    expect(switched.errors[0].errorCode).toMatch(/^IDA-/);
  });
});
