import { createTempDir, type TempDir } from '@mts/testing';
import { readdir } from 'node:fs/promises';
import { createApp, createFileUploadStorage, createLogger, type AppSettings, type SyncPort } from '../src/index.js';
import { fakeEnvelope, fakeRequests } from './fakes.js';
import { http, listen, settledTo } from './listen.js';
import { sendUntilRefused } from './endless-body.js';

const swaggerUiDir = require('node:path').dirname(require.resolve('swagger-ui-dist/package.json'));
const settings: AppSettings = { apiPathPrefix: '/', syncOperationMode: false, podName: 'token-seeder-0', workerId: 0, maxUploadBytes: 4096, maxJsonBytes: 1 << 20 };

const envelopeOf = (request: Record<string, unknown>) => ({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request });
const jsonRequest = { output: 'csv', deliverytype: 'download', authdata: [{ vid: '1234', name: 'A' }] };

describe('apps/api over HTTP (fake store)', () => {
  let dir: TempDir;
  let server: { url: string; close(): Promise<void> };
  let requests: ReturnType<typeof fakeRequests>;
  const sync: SyncPort = {
    async authenticate(record) {
      const vid = (record as { vid?: string }).vid;
      if (!vid) return { kind: 'invalid', code: 'ATS-REQ-009', message: 'vid or its mapping not present' };
      if (vid === 'bad') return { kind: 'auth', authStatus: false, authToken: 'x', errors: [{ errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match', actionMessage: 'Please re-enter your name' }] };
      return { kind: 'auth', authStatus: true, authToken: 'TOKEN-1', errors: [] };
    },
  };

  beforeAll(async () => {
    dir = await createTempDir('api-test-');
    requests = fakeRequests();
    const app = createApp({
      settings,
      logger: createLogger({ silent: true }),
      requests: requests.port,
      uploads: createFileUploadStorage(`${dir.path}/uploads`),
      envelope: fakeEnvelope,
      sync,
      swaggerUiDir,
    });
    server = await listen(app);
  });
  const port = () => Number(new URL(server.url).port);
  afterAll(async () => {
    await server.close();
    await dir.remove();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    http(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const csvForm = (request: unknown, csv: string | Uint8Array | null, field = 'csv_file') => {
    const form = new FormData();
    if (request !== undefined) form.append('request', typeof request === 'string' ? request : JSON.stringify(request));
    if (csv !== null) form.append(field, new Blob([csv]), 'in.csv');
    return http(`${server.url}/authtoken/csv`, { method: 'POST', body: form });
  };

  it('accepts a JSON request and returns a 36-character id in MTS envelope', async () => {
    const res = await post('/authtoken/json', envelopeOf(jsonRequest));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body)).toEqual(['id', 'version', 'metadata', 'responsetime', 'errors', 'response']);
    expect(body).toMatchObject({ id: 'mosip.token.seeder', version: '1.1.0', metadata: {}, errors: null });
    expect(body.response.request_identifier).toHaveLength(36);
    expect(body.responsetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stored = requests.submitted.find((s) => s.id === body.response.request_identifier)!;
    expect(stored.kind).toBe('json');
    expect(stored.inputKind).toBe('ndjson');
    expect(stored.records).toEqual(jsonRequest.authdata);
    expect(stored.request).not.toHaveProperty('authdata');
  });

  it('computes responsetime per response (MTS bug 5)', async () => {
    const a = await (await http(`${server.url}/authtoken/authfields`)).json();
    await new Promise((r) => setTimeout(r, 5));
    const b = await (await http(`${server.url}/authtoken/authfields`)).json();
    expect(a.responsetime).not.toBe(b.responsetime);
  });

  it('answers malformed JSON with 422 ATS-REQ-102 and no stack trace', async () => {
    const res = await post('/authtoken/json', '{"request": ');
    expect(res.status).toBe(422);
    const text = await res.text();
    expect(JSON.parse(text).errors[0].errorCode).toBe('ATS-REQ-102');
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers a missing body with 400 ATS-REQ-102', async () => {
    const res = await post('/authtoken/json', '');
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-102');
  });

  it('rejects unknown output and delivery types with 400 and both errors', async () => {
    const res = await post('/authtoken/json', envelopeOf({ ...jsonRequest, output: 'xml', deliverytype: 'pigeon' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors.map((e: { errorCode: string }) => e.errorCode)).toEqual(['ATS-REQ-102', 'ATS-REQ-102']);
    expect(body.response).toBeNull();
  });

  it('rejects an outputFormat that does not compile with 400 ATS-REQ-103', async () => {
    const res = await post('/authtoken/json', envelopeOf({ ...jsonRequest, outputFormat: '.output |' }));
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-103');
  });

  it('accepts a CSV upload, stores it on disk and hands over its path', async () => {
    const res = await csvForm(envelopeOf({ output: 'json', deliverytype: 'download' }), 'vid,name\n1234,A\n');
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier;
    const stored = requests.submitted.find((s) => s.id === id)!;
    expect(stored.kind).toBe('csv');
    expect(stored.upload?.size).toBe(16);
    expect(await readdir(`${dir.path}/uploads`)).toContain(stored.upload!.path.split('/').pop());
  });

  it.each([
    ['empty', ''],
    ['header only', 'vid,name\n'],
    ['binary', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe])],
  ])('rejects a %s CSV with 400 ATS-REQ-102 and removes the upload', async (_label, content) => {
    const before = await readdir(`${dir.path}/uploads`);
    const res = await csvForm(envelopeOf({ output: 'json', deliverytype: 'download' }), content);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].errorCode).toBe('ATS-REQ-102');
    expect(body.errors[0].errorMessage).toMatch(/csv_file/);
    expect(await readdir(`${dir.path}/uploads`)).toEqual(before);
  });

  it('rejects a CSV over the size limit with 413 ATS-REQ-105 and keeps nothing', async () => {
    const before = await readdir(`${dir.path}/uploads`);
    const big = 'vid,name\n' + '1234567890,Someone\n'.repeat(400);
    const res = await csvForm(envelopeOf({ output: 'json', deliverytype: 'download' }), big);
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-105');
    // The 413 goes out as soon as the file passes the limit; the part already stored is removed right after.
    expect(await settledTo(() => readdir(`${dir.path}/uploads`), before)).toEqual(before);
  });

  const MULTIPART = 'Content-Type: multipart/form-data; boundary=XX\r\n';
  const requestPart = (request: unknown) => `--XX\r\nContent-Disposition: form-data; name="request"\r\n\r\n${JSON.stringify(request)}\r\n`;

  it('refuses a chunked CSV upload as soon as the file passes the limit: 413, the connection closed, no file kept', async () => {
    const before = await readdir(`${dir.path}/uploads`);
    const first = `${requestPart(envelopeOf({ output: 'json', deliverytype: 'download' }))}--XX\r\nContent-Disposition: form-data; name="csv_file"; filename="a.csv"\r\n\r\nvid,name\r\n`;
    const cap = 64 * 1024 * 1024;
    const { sent, reply } = await sendUntilRefused(port(), `POST /authtoken/csv HTTP/1.1\r\nHost: x\r\n${MULTIPART}`, first, '1234567890,Someone\r\n'.repeat(3000), cap);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"errorCode":"ATS-REQ-105"');
    expect(sent).toBeLessThan(cap); // closed before the whole body was sent (not read to its end)
    expect(await settledTo(() => readdir(`${dir.path}/uploads`), before)).toEqual(before);
  });

  it('refuses a chunked JSON body as soon as it passes the limit: 413 and the connection closed', async () => {
    const cap = 64 * 1024 * 1024;
    const first = `{"id":"string","version":"string","metadata":"string","requesttime":"2026-01-01T00:00:00.000Z","request":{"output":"csv","deliverytype":"download","authdata":[`;
    const head = 'POST /authtoken/json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';
    const { sent, reply } = await sendUntilRefused(port(), head, first, '{"vid":"1234","name":"A"},'.repeat(2500), cap);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"errorCode":"ATS-REQ-105"');
    expect(sent).toBeLessThan(cap);
  });

  it('refuses an ignored form field over 64 KiB (ignored fields are held in memory) with 413', async () => {
    const form = new FormData();
    form.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download' })));
    form.append('junk', 'j'.repeat(64 * 1024 + 1));
    form.append('csv_file', new Blob(['vid,name\n1,A\n']), 'in.csv');
    const res = await http(`${server.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(413);
    expect((await res.json()).errors).toEqual([{ errorCode: 'ATS-REQ-105', errorMessage: 'Invalid Input. A form field other than request exceeds 65536 bytes' }]);
    const small = new FormData();
    small.append('request', JSON.stringify(envelopeOf({ output: 'json', deliverytype: 'download' })));
    small.append('junk', 'j'.repeat(64 * 1024));
    small.append('csv_file', new Blob(['vid,name\n1,A\n']), 'in.csv');
    expect((await http(`${server.url}/authtoken/csv`, { method: 'POST', body: small })).status).toBe(200);
  });

  it('counts the bytes of a chunked multipart body, not only a declared length: over upload + 17 MiB is 413', async () => {
    // Every part is within its own limit (a 15 MiB request field, 40 ignored fields of 60 KiB): only the total is not.
    const request = envelopeOf({ output: 'json', deliverytype: 'download', padding: 'p'.repeat(15 * 1024 * 1024) });
    const junk = Array.from({ length: 40 }, (_, k) => `--XX\r\nContent-Disposition: form-data; name="junk${k}"\r\n\r\n${'j'.repeat(60 * 1024)}\r\n`).join('');
    const body = `${requestPart(request)}${junk}--XX\r\nContent-Disposition: form-data; name="csv_file"; filename="a.csv"\r\n\r\nvid,name\r\n1,A\r\n--XX--\r\n`;
    const { reply } = await sendUntilRefused(port(), `POST /authtoken/csv HTTP/1.1\r\nHost: x\r\n${MULTIPART}`, body, '', 0);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toContain('"errorMessage":"Invalid Input. Body exceeds the size limit"');
  });

  it('rejects a CSV request without csv_file, without the request field, or with bad JSON in it', async () => {
    const noFile = await csvForm(envelopeOf({ output: 'json', deliverytype: 'download' }), null);
    expect(noFile.status).toBe(400);
    // MTS's text (authtoken.py), as an MTS caller matches it.
    expect((await noFile.json()).errors[0]).toEqual({ errorCode: 'ATS-REQ-102', errorMessage: 'invalid input. requires CSV file' });
    const noRequest = await csvForm(undefined, 'vid\n1\n');
    expect(noRequest.status).toBe(400);
    const badJson = await csvForm('{nope', 'vid\n1\n');
    expect(badJson.status).toBe(422);
    const wrongField = await csvForm(envelopeOf({ output: 'json', deliverytype: 'download' }), 'vid\n1\n', 'file');
    expect(wrongField.status).toBe(400);
    expect((await wrongField.json()).errors[0].errorCode).toBe('ATS-REQ-102');
  });

  it('accepts an ODK request without pulling, and reports odkconfig errors with MTS codes', async () => {
    const odkconfig = { baseurl: 'http://odk.invalid', email: 'x@example.org', password: 'p', projectid: '1', formid: 'f' };
    const ok = await post('/authtoken/odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig }));
    expect(ok.status).toBe(200);
    const id = (await ok.json()).response.request_identifier;
    expect(requests.submitted.find((s) => s.id === id)!.kind).toBe('odk');
    const bad = await post('/authtoken/odk', envelopeOf({ output: 'json', deliverytype: 'download', odkconfig: { password: 'p' } }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { errorCode: string }) => e.errorCode)).toEqual(['ATS-REQ-18', 'ATS-REQ-19']);
    const empty = await post('/authtoken/odk', '');
    expect(empty.status).toBe(400);
  });

  it('reports status with counts, 404 ATS-REQ-016 for an unknown id', async () => {
    const id = (await (await post('/authtoken/json', envelopeOf(jsonRequest))).json()).response.request_identifier;
    const res = await http(`${server.url}/authtoken/status/${id}`);
    expect(res.status).toBe(200);
    expect((await res.json()).response).toEqual({ status: 'submitted', counts: { total: 0, processed: 0, error: 0, invalid: 0 }, eta: null });
    const unknown = await http(`${server.url}/authtoken/status/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors).toEqual([{ errorCode: 'ATS-REQ-016', errorMessage: 'no auth request found for the given identifier' }]);
  });

  it('answers a download before processing with 202 ATS-REQ-017, then streams the output with its content type', async () => {
    const id = (await (await post('/authtoken/json', envelopeOf(jsonRequest))).json()).response.request_identifier;
    const early = await http(`${server.url}/authtoken/file/${id}`);
    expect(early.status).toBe(202);
    expect((await early.json()).errors[0].errorCode).toBe('ATS-REQ-017');
    requests.finish(id, 'csv', 'vid,status,token,errorCode,errorMessage\n1234,processed,T,,\n');
    const done = await http(`${server.url}/authtoken/file/${id}`);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await done.text()).toBe('vid,status,token,errorCode,errorMessage\n1234,processed,T,,\n');
    const unknown = await http(`${server.url}/authtoken/file/00000000-0000-4000-8000-000000000000`);
    expect(unknown.status).toBe(404);
  });

  it('serves authfields and ping as MTS does', async () => {
    const fields = await (await http(`${server.url}/authtoken/authfields`)).json();
    expect(fields.response).toEqual({ authfields: ['vid', 'name', 'gender', 'dob', 'phoneNumber', 'emailId', 'fullAddress'] });
    // MTS prints its pod id, the number at the end of the pod name (token-seeder-0), not the name.
    expect(await (await http(`${server.url}/ping`)).json()).toBe('[0 - 0] pong');
  });

  it('sends / to the web page, whose files carry a strict Content-Security-Policy', async () => {
    const root = await http(`${server.url}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/ui/']);
    const bare = await http(`${server.url}/ui`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([302, '/ui/']);
    for (const file of ['', 'app.js', 'style.css']) {
      const res = await http(`${server.url}/ui/${file}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await http(`${server.url}/`, { method: 'POST' })).status).toBe(405);
  });

  it('authenticates one record on authtoken/sync, shaped as MTS sync mode', async () => {
    const ok = await (await post('/authtoken/sync', envelopeOf({ authdata: { vid: '1234' } }))).json();
    expect(ok).toMatchObject({ version: '1.0', errors: null, response: { authStatus: true, authToken: 'TOKEN-1' } });
    const failed = await (await post('/authtoken/sync', envelopeOf({ authdata: { vid: 'bad' } }))).json();
    expect(failed.response).toEqual({ authStatus: false });
    expect(failed.errors).toEqual([{ errorCode: 'IDA-DEA-001', errorMessage: 'Demographic data name did not match. Please re-enter your name' }]);
    const invalid = await post('/authtoken/sync', envelopeOf({ authdata: {} }));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).errors[0].errorCode).toBe('ATS-REQ-009');
  });

  it('serves the OpenAPI document and a docs page with local assets', async () => {
    const doc = await (await http(`${server.url}/openapi.json`)).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['authtoken/json', 'authtoken/csv', 'authtoken/odk', 'authtoken/sync', 'authtoken/status/{id}', 'authtoken/file/{id}', 'authtoken/authfields', 'ping']) {
      expect(doc.paths).toHaveProperty([`/${path}`]);
    }
    const page = await http(`${server.url}/docs/`);
    expect(page.headers.get('content-type')).toMatch(/html/);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    const asset = await http(`${server.url}/docs/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    await asset.arrayBuffer();
    const redirect = await http(`${server.url}/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
  });
});

describe('an input source plugged in through @mts/connectors', () => {
  it('is served at POST authtoken/<kind> with its envelope part checked, next to the built-in sources', async () => {
    const { SOURCES, createSeedValidator } = await import('@mts/connectors');
    const demo = {
      kind: 'demo',
      storedAs: ['odk'] as const,
      envelope: { kind: 'demo', key: 'democonfig', required: true, schema: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } } },
      intake: { type: 'pull' as const },
      read: async function* () {},
    };
    const sources = [...SOURCES, demo];
    const validator = createSeedValidator({ sources });
    const requests = fakeRequests();
    const dir = await createTempDir('api-plugin-');
    const app = createApp({
      settings,
      logger: createLogger({ silent: true }),
      requests: requests.port,
      uploads: createFileUploadStorage(`${dir.path}/uploads`),
      envelope: { validate: (kind, body) => validator.validate(kind, body), compileOutputFormat: () => undefined },
      sources,
      swaggerUiDir,
    });
    const server = await listen(app);
    try {
      const post = (path: string, body: unknown) => http(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const ok = await post('/authtoken/demo', envelopeOf({ output: 'csv', deliverytype: 'download', democonfig: { url: 'https://x.test' } }));
      expect(ok.status).toBe(200);
      const id = (await ok.json()).response.request_identifier;
      expect(requests.submitted.find((s) => s.id === id)).toMatchObject({ kind: 'demo', inputKind: 'odk', request: { democonfig: { url: 'https://x.test' } } });
      const missing = await post('/authtoken/demo', envelopeOf({ output: 'csv', deliverytype: 'download' }));
      expect(missing.status).toBe(422);
      expect((await missing.json()).errors[0].errorCode).toBe('ATS-REQ-102');
      // the built-in sources are still there
      expect((await post('/authtoken/json', envelopeOf(jsonRequest))).status).toBe(200);
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});
