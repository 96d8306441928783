// The API over the real @mts/store and @mts/envelope checks (no worker: its part is played here).
import { createTempDir, type TempDir } from '@mts/testing';
import { readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadConfig, startApi, type RunningApi } from '../src/index.js';
import { createLogger } from '../src/index.js';
import { http } from './listen.js';

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });
const person = { vid: '4000000001', name: 'Zorbelina Quux', gender: 'Female', dob: '1990/01/01', fullAddress: '1 Synthetic Lane' };

describe('apps/api over the real store (prefix /mosiptokenseeder/)', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-store-');
    const config = loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1', TOKENSEEDER_ROOT__API_PATH_PREFIX: '/mosiptokenseeder', MTS_MAX_UPLOAD_BYTES: '100000' });
    api = await startApi(config, { logger: createLogger({ silent: true }) });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });
  const filesOf = async (id: string) => (await readdir(join(dir.path, 'files'))).filter((f) => f.startsWith(id)).map((f) => join(dir.path, 'files', f));
  // The worker's part: an empty ingest, then the output written and the request finished.
  const finishWith = async (id: string, output: string[]) => {
    await api.store.beginIngest(id);
    await api.store.endIngest(id, { chunkCount: 0 });
    await api.store.beginDelivery(id);
    await api.store.writeOutput(id, output);
    await api.store.outputWritten(id, 'processed');
    await api.store.finish(id);
  };
  const post = (path: string, body: unknown) => http(`${api.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('stores a JSON request encrypted, phase new, and reports its status', async () => {
    const res = await post('authtoken/json', envelopeOf({ output: 'csv', deliverytype: 'download', authdata: [person] }));
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier as string;
    const info = (await api.store.getRequest(id))!;
    expect(info).toMatchObject({ phase: 'new', status: 'submitted', inputKind: 'ndjson', output: 'csv' });
    const [input] = await filesOf(id);
    expect((await readFile(input!)).includes(Buffer.from('Zorbelina'))).toBe(false);
    expect(await api.store.getRequestConfig(id)).toMatchObject({ output: 'csv', deliverytype: 'download', outputFormat: null });
    const status = await (await http(`${api.url}/authtoken/status/${id}`)).json();
    expect(status.response).toEqual({ status: 'submitted', counts: { total: 0, processed: 0, error: 0, invalid: 0 }, eta: null });
  });

  it('stores a CSV upload encrypted under the request id', async () => {
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download', csvDelimiter: ';' })));
    form.append('csv_file', new Blob(['vid;name\n4000000001;Zorbelina Quux\n']), 'people.csv');
    const res = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier as string;
    expect((await api.store.getRequest(id))!.inputKind).toBe('csv');
    const files = await filesOf(id);
    expect(files.map((f) => basename(f))).toEqual([`${id}.input.csv.enc`]);
    expect((await readFile(files[0]!)).includes(Buffer.from('Zorbelina'))).toBe(false);
    expect((await api.store.getRequestConfig(id))?.csvDelimiter).toBe(';');
  });

  it('leaves no file behind for a rejected upload', async () => {
    const before = await readdir(join(dir.path, 'files'));
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'xml', deliverytype: 'download' })));
    form.append('csv_file', new Blob(['vid\n1\n']), 'x.csv');
    const res = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await readdir(join(dir.path, 'files'))).toEqual(before);
  });

  it.each([
    ['a requesttime without milliseconds', { requesttime: '2026-01-01T00:00:00Z' }, 400, 'ATS-REQ-102'],
    ['an unknown output type', { request: { output: 'xml', deliverytype: 'download', authdata: [person] } }, 400, 'ATS-REQ-102'],
    ['an unknown delivery type', { request: { output: 'json', deliverytype: 'fax', authdata: [person] } }, 400, 'ATS-REQ-102'],
    ['empty authdata', { request: { output: 'json', deliverytype: 'download', authdata: [] } }, 400, 'ATS-REQ-102'],
    ['a request that is not an object', { request: 'everyone' }, 422, 'ATS-REQ-102'],
    ['an outputFormat that does not compile', { request: { output: 'json', deliverytype: 'download', outputFormat: '.output |', authdata: [person] } }, 400, 'ATS-REQ-103'],
    ['callback without callbackProperties', { request: { output: 'json', deliverytype: 'callback', authdata: [person] } }, 400, 'ATS-REQ-024'],
  ])('rejects %s', async (_label, patch, status, code) => {
    const res = await post('authtoken/json', { ...envelopeOf({ output: 'json', deliverytype: 'download', authdata: [person] }), ...patch });
    expect(res.status).toBe(status);
    expect((await res.json()).errors[0].errorCode).toBe(code);
  });

  it('accepts OpenG2P’s envelope unchanged (string metadata, outputFormat false, odoo callback)', async () => {
    const res = await post('authtoken/json', {
      id: 'string', version: 'string', metadata: 'string', requesttime: '2026-03-01T10:00:00.123Z',
      request: {
        output: 'json', deliverytype: 'callback', mapping: { vid: 'vid', name: ['given_name', 'family_name'], dob: 'birthdate' }, lang: 'eng', outputFormat: false,
        callbackProperties: { url: 'http://odoo.invalid/cb', httpMethod: 'POST', timeoutSeconds: 10, callInBulk: false, authType: 'odoo', authOdoo: { database: 'db', authUrl: 'http://odoo.invalid/web/session/authenticate', username: 'u', password: 'p' } },
        authdata: [{ id: 1, vid: '4000000001', given_name: 'Zorbelina', family_name: 'Quux', birthdate: '1990/01/01', gender: 'Female', address: 'x' }],
      },
    });
    expect(res.status).toBe(200);
  });

  it('reports ODK config problems with MTS codes and accepts a complete one', async () => {
    const bad = await post('authtoken/odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig: { email: 'a@example.org', password: 'p' } }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0].errorCode).toBe('ATS-REQ-18');
    const ok = await post('authtoken/odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig: { baseurl: 'http://odk.invalid', email: 'a@example.org', password: 'p', projectid: '1', formid: 'f' } }));
    expect(ok.status).toBe(200);
    const id = (await ok.json()).response.request_identifier;
    expect((await api.store.getRequest(id))?.inputKind).toBe('odk');
  });

  it('answers 202 before the output exists, then streams it decrypted', async () => {
    const id = (await (await post('authtoken/json', envelopeOf({ output: 'json', deliverytype: 'download', authdata: [person] }))).json()).response.request_identifier;
    expect((await http(`${api.url}/authtoken/file/${id}`)).status).toBe(202);
    const output = '[{"vid":"4000000001","status":"processed","token":"T","errorCode":null,"errorMessage":null}]';
    await finishWith(id, [output]);
    const res = await http(`${api.url}/authtoken/file/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe(output);
    expect((await http(`${api.url}/authtoken/file/not-an-id`)).status).toBe(404);
  });

  describe('a stored output that is missing or damaged (issue 11 item 7)', () => {
    const submitted = async () => (await (await post('authtoken/json', envelopeOf({ output: 'json', deliverytype: 'download', authdata: [person] }))).json()).response.request_identifier as string;
    const outputFile = async (id: string) => (await filesOf(id)).find((f) => f.includes('.output.'))!;
    const flipByteAt = async (path: string, at: (size: number) => number) => {
      const bytes = await readFile(path);
      const i = at(bytes.length);
      bytes[i] = bytes[i]! ^ 0xff;
      await writeFile(path, bytes);
    };

    it.each([
      ['missing', (path: string) => unlink(path)],
      ['with a damaged header', (path: string) => flipByteAt(path, () => 6)],
      ['with a damaged first chunk', (path: string) => flipByteAt(path, (size) => size - 3)],
      ['cut short', async (path: string) => writeFile(path, (await readFile(path)).subarray(0, 30))],
    ])('%s: 500 ATS-REQ-100 in an MTS envelope, not an empty reply', async (_label, damage) => {
      const id = await submitted();
      await finishWith(id, ['[{"vid":"4000000001","status":"processed","token":"T","errorCode":null,"errorMessage":null}]']);
      await damage(await outputFile(id));
      const res = await http(`${api.url}/authtoken/file/${id}`);
      expect(res.status).toBe(500);
      const body = await res.json();
      expect(body).toMatchObject({ id: 'mosip.token.seeder', response: null });
      expect(body.errors).toEqual([{ errorCode: 'ATS-REQ-100', errorMessage: 'The output file of the auth request could not be read' }]);
    });

    it('damaged past its first chunk: the 200 body is aborted, never a short body that looks whole', async () => {
      const id = await submitted();
      const row = `{"vid":"4000000001","status":"processed","token":"${'T'.repeat(64)}","errorCode":null,"errorMessage":null}`;
      await finishWith(id, ['[', Array.from({ length: 3000 }, () => row).join(','), ']']);
      await flipByteAt(await outputFile(id), (size) => size - 20);
      const res = await http(`${api.url}/authtoken/file/${id}`);
      expect(res.status).toBe(200);
      await expect(res.text()).rejects.toThrow();
    });
  });

  it('answers the sync endpoint with ATS-REQ-106 when no partner settings are configured', async () => {
    const res = await post('authtoken/sync', envelopeOf({ authdata: person }));
    expect(res.status).toBe(503);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-106');
  });
});

describe('loadConfig', () => {
  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', MTS_POD_ID: '7', MTS_LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*MTS_POD_ID[\s\S]*MTS_LOG_LEVEL/);
  });
  it('refuses sync_operation_mode without partner settings', () => {
    expect(() => loadConfig({ TOKENSEEDER_ROOT__SYNC_OPERATION_MODE: 'true' })).toThrow(/sync_operation_mode/);
  });
  it('returns a frozen object with MTS defaults', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(config).toMatchObject({ port: 8080, apiPathPrefix: '/', syncOperationMode: false, podId: '00', defaultLang: 'eng', mandatoryFields: ['name', 'gender', 'dob', 'fullAddress'] });
  });
});
