// Callers written against MTS (pydantic 1 coerces) are accepted: numbers and booleans where MTS takes text, more
// than four multipart text fields, a `request` field over 1 MiB; what is unsafe is still refused.
import { createTempDir, type TempDir } from '@mts/testing';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { http } from './listen.js';

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const RT = '2026-01-01T00:00:00.000Z';

describe('MTS callers', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-mts-callers-');
    api = await startApi(loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1' }), { logger: createLogger({ silent: true }) });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });
  const post = (path: string, body: unknown) =>
    http(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const csvForm = (request: unknown, extraFields = 0) => {
    const form = new FormData();
    form.append('request', JSON.stringify(request));
    for (let i = 0; i < extraFields; i++) form.append(`note${i}`, 'x');
    form.append('csv_file', new Blob(['vid,name\n4000000000,Synthetic Person\n']), 'in.csv');
    return form;
  };

  it('takes id, version, metadata and lang as numbers or booleans, and outputFormat as a number, as MTS does', async () => {
    const res = await post('/authtoken/json', {
      id: 1,
      version: 1.1,
      metadata: true,
      requesttime: RT,
      request: { output: 'json', deliverytype: 'download', lang: 5, outputFormat: 5, authdata: [{ vid: '4000000000', name: 'Synthetic Person' }] },
    });
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier as string;
    const config = await api.store.getRequestConfig(id);
    expect(config).toMatchObject({ lang: '5', outputFormat: '5' });
  });

  it('takes a multipart form with more than four text fields and a request field over 1 MiB', async () => {
    const request = { id: 'x', version: 'x', metadata: 'x', requesttime: RT, request: { output: 'csv', deliverytype: 'download', mapping: { vid: 'vid', name: ['name'] }, padding: 'p'.repeat(1_200_000) } };
    const many = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: csvForm({ ...request, request: { output: 'csv', deliverytype: 'download' } }, 8) });
    expect(many.status).toBe(200);
    const big = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: csvForm(request) });
    expect(big.status).toBe(200);
  });

  it('still refuses what is unsafe or meaningless: a callback timeout out of range (400), an object for lang (422)', async () => {
    const callback = await post('/authtoken/json', {
      id: 'x', version: 'x', metadata: 'x', requesttime: RT,
      request: { output: 'json', deliverytype: 'callback', callbackProperties: { url: 'http://cb.test/x', timeoutSeconds: -1 }, authdata: [{ vid: '1' }] },
    });
    expect(callback.status).toBe(400);
    const huge = await post('/authtoken/json', {
      id: 'x', version: 'x', metadata: 'x', requesttime: RT,
      request: { output: 'json', deliverytype: 'callback', callbackProperties: { url: 'http://cb.test/x', timeoutSeconds: 1e308 }, authdata: [{ vid: '1' }] },
    });
    expect(huge.status).toBe(400);
    expect((await huge.json()).errors).toEqual([{ errorCode: 'ATS-REQ-102', errorMessage: 'invalid input. callbackProperties.timeoutSeconds must be more than 0 and at most 3600' }]);
    const lang = await post('/authtoken/json', { id: 'x', version: 'x', metadata: 'x', requesttime: RT, request: { output: 'json', deliverytype: 'download', lang: { a: 1 }, authdata: [{ vid: '1' }] } });
    expect(lang.status).toBe(422);
  });
});
