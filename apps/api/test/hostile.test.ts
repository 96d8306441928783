// Hostile and careless callers against the real API (store, envelope checks): each case was a 5xx, a hang or a
// wrong answer before its fix (issue 11). The answer must be a 4xx with a stable code, and the service stays up.
import { createTempDir, type TempDir } from '@mts/testing';
import { parseCsv } from '@mts/parsers';
import { createLogger, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { connect } from 'node:net';
import { http } from './listen.js';

/** Sends raw HTTP/1.1 bytes; resolves with what came back once the server closes (or after `waitMs`). */
function raw(port: number, text: string, waitMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (d) => (got += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
  });
}

const DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const HEAD = '{"id":"string","version":"string","metadata":"string","requesttime":"2026-01-01T00:00:00.000Z","request":';
/** `{"x":[[…]]}`, 6,000 levels: past what JSON.stringify can recurse through. */
const DEEP = `{"x":${'['.repeat(6000)}${']'.repeat(6000)}}`;

describe('hostile callers', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-hostile-');
    const config = loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1' });
    api = await startApi(config, { logger: createLogger({ silent: true }) });
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });

  const errorsOf = async (res: Response) => ((await res.json()) as { errors: { errorCode: string }[] }).errors.map((e) => e.errorCode);

  it.each(['authtoken/status/%E0%A4%A', 'authtoken/file/%zz', 'authtoken/status/%', 'authtoken/file/%'])(
    'answers GET %s (a broken percent-escape) with 404 ATS-REQ-016, as MTS',
    async (path) => {
      const res = await http(`${api.url}/${path}`);
      expect(res.status).toBe(404);
      expect(await errorsOf(res)).toEqual(['ATS-REQ-016']);
    },
  );

  it.each([
    ['PUT', 'authtoken/json', 'POST'],
    ['GET', 'authtoken/csv', 'POST'],
    ['HEAD', 'authtoken/csv', 'POST'],
    ['OPTIONS', 'authtoken/odk', 'POST'],
    ['DELETE', 'authtoken/status/some-id', 'GET, HEAD'],
    ['POST', 'ping', 'GET, HEAD'],
  ])('answers %s %s with 405, Allow: %s and ATS-REQ-107 in the envelope', async (method, path, allow) => {
    const res = await http(`${api.url}/${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    if (method !== 'HEAD') expect(await res.json()).toMatchObject({ id: 'mosip.token.seeder', response: null, errors: [{ errorCode: 'ATS-REQ-107' }] });
  });

  it('serves exact, case-sensitive paths: /AUTHTOKEN/… is 404, /ping/ redirects (307) to /ping as Starlette does', async () => {
    const upper = await http(`${api.url}/AUTHTOKEN/authfields`);
    expect(upper.status).toBe(404);
    expect(await upper.json()).toEqual({ detail: 'Not Found' });
    expect((await http(`${api.url}/Ping`)).status).toBe(404);
    const slash = await http(`${api.url}/ping/?x=1`, { redirect: 'manual' });
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('/ping?x=1');
    const post = await http(`${api.url}/authtoken/json/`, { method: 'POST', redirect: 'manual', body: '{}' });
    expect(post.status).toBe(307);
    expect(post.headers.get('location')).toBe('/authtoken/json');
    expect((await http(`${api.url}/nowhere/`, { redirect: 'manual' })).status).toBe(404);
    expect((await http(`${api.url}/ping`, { method: 'HEAD' })).status).toBe(200);
  });

  it.each([
    ['authtoken/json', 'application/json', '{"request":'],
    ['authtoken/odk', 'application/json', '{"request":'],
    ['authtoken/csv', 'multipart/form-data; boundary=b', '--b\r\n'],
  ])('refuses POST %s declaring 600 MiB with 413 ATS-REQ-105 before reading the body', async (path, type, start) => {
    const head = `POST /${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: ${600 * 1024 * 1024}\r\n\r\n`;
    const reply = await raw(api.port, head + start); // the body stops there: only an early answer can arrive
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)).errors[0].errorCode).toBe('ATS-REQ-105');
  });

  it.each([
    ['authtoken/sync', 413],
    ['authtoken/odk', 413],
    ['authtoken/json', 100],
  ])('answers POST %s declaring 10 MiB with Expect: 100-continue: %i (a body parsed whole is refused before it is sent)', async (path, status) => {
    const head = `POST /${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`;
    const reply = await raw(api.port, head, status === 100 ? 1000 : 10_000);
    expect(reply).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
  });

  it('parses at most 1 MiB whole (sync, pulled sources) but streams a larger authtoken/json to disk', async () => {
    // About 2 MiB of records: over MTS_MAX_PARSED_JSON_BYTES' default, far under MTS_MAX_JSON_BYTES'.
    const authdata = Array.from({ length: 30_000 }, (_, i) => ({ vid: String(4_000_000_000 + i), name: 'Ana Quennel', dob: '1990/01/05' }));
    const body = JSON.stringify({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request: { output: 'json', deliverytype: 'download', authdata } });
    expect(body.length).toBeGreaterThan(1.5 * 1024 * 1024);
    for (const path of ['authtoken/sync', 'authtoken/odk']) {
      const res = await http(`${api.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect([path, res.status]).toEqual([path, 413]);
      expect((await res.json()).errors[0].errorCode).toBe('ATS-REQ-105');
    }
    const res = await http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect((await res.json()).response.request_identifier).toEqual(expect.any(String));
  });

  it('answers Expect: 100-continue with 413 for a declared length over the limit, and with 100 otherwise', async () => {
    const head = (length: number) =>
      `POST /authtoken/json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\n\r\n`;
    expect(await raw(api.port, head(600 * 1024 * 1024))).toMatch(/^HTTP\/1\.1 413 /);
    const body = JSON.stringify({ id: 'string', version: 'string', metadata: 'string', requesttime: '2026-01-01T00:00:00.000Z', request: { output: 'json', deliverytype: 'download', authdata: [{ vid: '1' }] } });
    const accepted = await new Promise<string>((resolve, reject) => {
      let got = '';
      let sent = false;
      const socket = connect(api.port, '127.0.0.1', () => socket.write(head(Buffer.byteLength(body))));
      socket.on('data', (d) => {
        got += d.toString('latin1');
        if (!sent && got.startsWith('HTTP/1.1 100 ')) {
          sent = true;
          socket.write(body);
        }
        if (got.includes('request_identifier')) socket.destroy();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(got));
    });
    expect(accepted).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });

  it.each([
    ['authtoken/json', 'a record in authdata', `${HEAD}{"output":"csv","deliverytype":"download","authdata":[{"vid":"1"},${DEEP}]}}`],
    ['authtoken/json', 'the mapping', `${HEAD}{"output":"csv","deliverytype":"download","mapping":${DEEP},"authdata":[{"vid":"1"}]}}`],
    ['authtoken/odk', 'the mapping', `${HEAD}{"output":"csv","deliverytype":"download","mapping":${DEEP},"odkconfig":{}}}`],
    ['authtoken/sync', 'the record', `${HEAD}{"authdata":${DEEP}}}`],
  ])('answers POST %s with %s nested 6,000 deep with 422 ATS-REQ-102', async (path, _what, body) => {
    const res = await http(`${api.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(422);
    expect(await errorsOf(res)).toEqual(['ATS-REQ-102']);
  });

  it('answers a CSV upload whose request field nests 6,000 deep with 422 ATS-REQ-102, and stays up', async () => {
    const form = new FormData();
    form.append('request', `${HEAD}{"output":"csv","deliverytype":"download","mapping":${DEEP}}}`);
    form.append('csv_file', new Blob(['vid,name\n1,A\n']), 'in.csv');
    const res = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(422);
    expect(await errorsOf(res)).toEqual(['ATS-REQ-102']);
    expect((await http(`${api.url}/ping`)).status).toBe(200);
  });

  it.each([
    ['CR-only (old Mac Excel)', 'vid,name\r1,A\r2,B\r3,C'],
    ['mixed', 'vid,name\r\n1,A\n2,B\r3,C\r\n'],
  ])('accepts a CSV with %s line ends and stores all its records', async (_label, text) => {
    const form = new FormData();
    form.append('request', `${HEAD}{"output":"json","deliverytype":"download"}}`);
    form.append('csv_file', new Blob([text]), 'in.csv');
    const res = await http(`${api.url}/authtoken/csv`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { response: { request_identifier: string } }).response.request_identifier;
    const rows = [];
    for await (const rec of parseCsv(api.store.openInput(id))) rows.push(rec);
    expect(rows).toEqual([
      { lineNo: 2, data: { vid: '1', name: 'A' } },
      { lineNo: 3, data: { vid: '2', name: 'B' } },
      { lineNo: 4, data: { vid: '3', name: 'C' } },
    ]);
  });
});
