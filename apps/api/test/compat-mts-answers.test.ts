// Answers an MTS 1.1.0 caller sees, checked against MTS's own source: its missing-body message and its reading of an
// empty `lang` (the configured default language, as `if not request.lang` does in MTS).
import { createTempDir, type TempDir } from '@mts/testing';
import { createApp, createFileUploadStorage, createLogger, fieldMappingEnvelope, type AppSettings, type SyncPort } from '../src/index.js';
import { fakeRequests } from './fakes.js';
import { http, listen } from './listen.js';

const swaggerUiDir = require('node:path').dirname(require.resolve('swagger-ui-dist/package.json'));
const settings: AppSettings = { apiPathPrefix: '/', syncOperationMode: false, podName: 'token-seeder-0', workerId: 0, maxUploadBytes: 4096, maxJsonBytes: 1 << 20 };
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });
// MTS (authtokenapi/authtoken.py): `raise MOSIPTokenSeederException('ATS-REQ-102', 'invalid input. missing request body')`.
const MISSING_BODY = [{ errorCode: 'ATS-REQ-102', errorMessage: 'invalid input. missing request body' }];

describe('MTS answers (real envelope checks, fake store)', () => {
  let dir: TempDir;
  let server: { url: string; close(): Promise<void> };
  let syncServer: { url: string; close(): Promise<void> };
  let requests: ReturnType<typeof fakeRequests>;
  const langs: (string | undefined)[] = [];
  const records: unknown[] = [];
  const sync: SyncPort = {
    async authenticate(record, { lang }) {
      langs.push(lang);
      records.push(record);
      return { kind: 'auth', authStatus: true, authToken: 'TOKEN-1', errors: [] };
    },
  };

  beforeAll(async () => {
    dir = await createTempDir('api-compat-');
    requests = fakeRequests();
    const deps = { logger: createLogger({ silent: true }), requests: requests.port, uploads: createFileUploadStorage(`${dir.path}/uploads`), envelope: fieldMappingEnvelope(), sync, swaggerUiDir };
    server = await listen(createApp({ ...deps, settings }));
    syncServer = await listen(createApp({ ...deps, settings: { ...settings, syncOperationMode: true } }));
  });
  afterAll(async () => {
    await server.close();
    await syncServer.close();
    await dir.remove();
  });

  const post = (url: string, path: string, body: unknown) =>
    http(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it.each(['/authtoken/json', '/authtoken/odk'])('answers %s without a body with MTS\'s 400 ATS-REQ-102 "invalid input. missing request body"', async (path) => {
    const res = await post(server.url, path, '');
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual(MISSING_BODY);
  });

  it('answers the sync call without a body with the same message', async () => {
    const res = await post(syncServer.url, '/authtoken/json', '');
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual(MISSING_BODY);
  });

  it('answers a csv form without its request field as MTS does (its Form(None) is a missing body)', async () => {
    const form = new FormData();
    form.append('csv_file', new Blob(['vid,name\n4000000000,Synthetic Person\n']), 'in.csv');
    const res = await http(`${server.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect((await res.json()).errors).toEqual(MISSING_BODY);
  });

  it('keeps no empty lang, so the configured default language applies (MTS: `if not request.lang`)', async () => {
    const res = await post(server.url, '/authtoken/json', envelopeOf({ output: 'json', deliverytype: 'download', lang: '', authdata: [{ vid: '4000000000' }] }));
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier as string;
    const { request } = requests.submitted.find((s) => s.id === id)!;
    expect(request.lang).toBeUndefined();

    const kept = await post(server.url, '/authtoken/json', envelopeOf({ output: 'json', deliverytype: 'download', lang: 'fra', authdata: [{ vid: '4000000000' }] }));
    const keptId = (await kept.json()).response.request_identifier as string;
    expect(requests.submitted.find((s) => s.id === keptId)!.request.lang).toBe('fra');
  });

  it('passes no empty lang to the sync call either', async () => {
    const res = await post(syncServer.url, '/authtoken/json', envelopeOf({ lang: '', authdata: { vid: '4000000000' } }));
    expect(res.status).toBe(200);
    expect(langs).toEqual([undefined]);
  });

  it('keeps a 16-digit id sent as a JSON number exact, as MTS does (JSON.parse would round it)', async () => {
    const text = JSON.stringify(envelopeOf({ authdata: { vid: 'VID' } })).replace('"VID"', '9007199254740993');
    const res = await post(syncServer.url, '/authtoken/json', text);
    expect(res.status).toBe(200);
    expect(records.at(-1)).toEqual({ vid: '9007199254740993' });
  });
});
