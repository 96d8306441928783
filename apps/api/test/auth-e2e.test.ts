// Caller authentication end to end: IDA sandbox, worker and API (with API keys) on port 0: a request submitted with
// one key is processed by the worker and read back with that key; another key finds nothing of it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@mts/testing';
import { sandboxPartnerEnv, startSandbox, type RunningSandbox } from '@mts/ida-sandbox';
import { loadConfig as loadWorkerConfig, startWorker, type RunningWorker } from '@mts/worker';
import { createLogger, hashApiKey, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

jest.setTimeout(90_000);
const DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const KEY_A = 'registry-a-key-000000000000000000001';
const KEY_B = 'registry-b-key-000000000000000000002';
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: new Date().toISOString(), request });

describe('caller authentication end to end (sandbox + worker + API)', () => {
  let dir: TempDir;
  let sandbox: RunningSandbox;
  let worker: RunningWorker;
  let api: RunningApi;

  beforeAll(async () => {
    dir = await createTempDir('api-auth-e2e-');
    sandbox = await startSandbox({ dataDir: join(dir.path, 'ida'), identityCount: 4 });
    const keysFile = join(dir.path, 'keys.json');
    const fast = { N: 1024, r: 8, p: 1 };
    await writeFile(keysFile, JSON.stringify([{ caller: 'registry-a', hash: await hashApiKey(KEY_A, fast) }, { caller: 'registry-b', hash: await hashApiKey(KEY_B, fast) }]));
    const env = {
      MTS_DATA_DIR: join(dir.path, 'data'), MTS_DATA_KEY: DATA_KEY, MTS_LOG_LEVEL: 'error', MTS_API_HOST: '127.0.0.1', PORT: '0',
      MTS_POLL_INTERVAL_MS: '50', MTS_JOB_LOCK_LIFETIME_MS: '1000', TOKENSEEDER_CLEANUP__ENABLED: 'false',
      MTS_API_KEYS_FILE: keysFile,
      ...sandboxPartnerEnv(sandbox),
    };
    const silent = createLogger({ silent: true });
    worker = await startWorker(loadWorkerConfig(env), { logger: silent as never });
    api = await startApi(loadConfig(env), { logger: silent });
  });
  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await sandbox?.close();
    await dir?.remove();
  });

  const get = (path: string, key: string) => http(`${api.url}/${path}`, { headers: { 'x-api-key': key } });

  it('processes a request of caller A for A only', async () => {
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download', mapping: { vid: 'vid' } })));
    form.append('csv_file', new Blob(['vid,name,gender,dob,fullAddress\n4000000001,Zorbelina Quux,Female,1990/01/01,1 Synthetic Lane\n']), 'people.csv');
    const submitted = await http(`${api.url}/authtoken/csv`, { method: 'POST', headers: { 'x-api-key': KEY_A }, body: form });
    expect(submitted.status).toBe(200);
    const id = (await submitted.json()).response.request_identifier as string;

    let status: { status: string; counts: { total: number } } | undefined;
    for (let i = 0; i < 1200 && !/^(processed|error_)/.test(status?.status ?? ''); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
      status = (await (await get(`authtoken/status/${id}`, KEY_A)).json()).response;
    }
    expect(status).toMatchObject({ status: expect.stringMatching(/^processed/), counts: { total: 1 } });
    const output = await get(`authtoken/file/${id}`, KEY_A);
    expect(output.status).toBe(200);
    expect(await output.json()).toHaveLength(1);
    expect((await get(`authtoken/duplicates/${id}`, KEY_A)).status).toBe(200);

    for (const path of ['status', 'file', 'duplicates']) {
      const theirs = await get(`authtoken/${path}/${id}`, KEY_B);
      expect(theirs.status).toBe(404);
      expect((await theirs.json()).errors[0].errorCode).toBe('ATS-REQ-016');
    }
    const listA = (await (await get('authtoken/requests', KEY_A)).json()).response.requests;
    expect(listA).toEqual([expect.objectContaining({ requestId: id, status: status!.status, inputKind: 'csv', finishedAt: expect.any(String) })]);
    expect((await (await get('authtoken/requests', KEY_B)).json()).response.requests).toEqual([]);
    expect((await http(`${api.url}/authtoken/status/${id}`)).status).toBe(401);
  });
});
