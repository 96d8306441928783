// POST authtoken/json streams its body: a large one is stored without sitting in the heap, and every rejection is
// the one express.json + the envelope checks gave (compared here with that old handler, side by side).
import { createTempDir, type TempDir } from '@mts/testing';
import express from 'express';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';
import { createLogger, fieldMappingEnvelope, loadConfig, startApi, type RunningApi } from '../src/index.js';
import { errorHandler } from '../src/lib/error-handler.js';
import { sendOk } from '../src/lib/envelope.js';
import { checkSubmission } from '../src/lib/validation.js';
import { bodyOf } from '../src/lib/routes/submit-routes.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { http, listen } from './listen.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const DATA_KEY = Buffer.alloc(32, 9).toString('base64');
const HEAD = '{"id":"string","version":"string","metadata":"string","requesttime":"2026-01-01T00:00:00.000Z","request":';
const person = (k: number) => `{"vid":"${4000000000 + k}","name":"Synthetic Person ${k}","gender":"Female","dob":"1990/01/01"}`;

async function startWith(dir: TempDir, env: Record<string, string> = {}): Promise<RunningApi> {
  const config = loadConfig({ MTS_DATA_DIR: dir.path, MTS_DATA_KEY: DATA_KEY, PORT: '0', MTS_API_HOST: '127.0.0.1', ...env });
  return startApi(config, { logger: createLogger({ silent: true }) });
}

async function readInput(api: RunningApi, id: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: api.store.openInput(id), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

describe('POST authtoken/json, streamed', () => {
  let dir: TempDir;
  let api: RunningApi;
  beforeAll(async () => {
    dir = await createTempDir('api-json-stream-');
    api = await startWith(dir);
  });
  afterAll(async () => {
    await api.close();
    await dir.remove();
  });

  it('stores 200,000 records (~20 MB) with the heap staying small', async () => {
    const n = 200_000;
    const encoder = new TextEncoder();
    let k = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(`${HEAD}{"output":"json","deliverytype":"download","authdata":[`));
      },
      pull(controller) {
        if (k === n) {
          controller.enqueue(encoder.encode('],"lang":"eng"}}'));
          controller.close();
          return;
        }
        let piece = '';
        for (const end = Math.min(n, k + 500); k < end; k++) piece += (k ? ',' : '') + person(k);
        controller.enqueue(encoder.encode(piece));
      },
    });
    // A memory bound, not a timing one: the live heap, sampled after a forced full GC every 200 ms, so that garbage
    // V8 has not collected yet does not count. Parsed whole, this body alone would hold well over 100 MB.
    // Each sample is scheduled 200 ms after the last one ended (a full GC of a big test process can itself take that
    // long), unref'd, and stopped in `finally`, so a slow or failed run never leaves a GC loop behind.
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let sampler: NodeJS.Timeout | undefined;
    const sample = () => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      sampler = setTimeout(sample, 200).unref();
    };
    sampler = setTimeout(sample, 200).unref();
    let res: Awaited<ReturnType<typeof http>>;
    try {
      res = await http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
    } finally {
      clearTimeout(sampler);
    }
    expect(res.status).toBe(200);
    const id = (await res.json()).response.request_identifier as string;
    const growthMb = (peak - before) / 2 ** 20;
    console.log(`live heap growth during a ~20 MB authtoken/json upload: ${growthMb.toFixed(1)} MB`);
    expect(growthMb).toBeLessThan(40);

    const lines = await readInput(api, id);
    expect(lines).toHaveLength(n);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(person(0)));
    expect(JSON.parse(lines[n - 1]!)).toEqual(JSON.parse(person(n - 1)));
    expect(await api.store.getRequestConfig(id)).toMatchObject({ output: 'json', lang: 'eng' });
  }, 60_000);

  it('writes records exactly as JSON.stringify of the parsed element, one per line', async () => {
    const text = `${HEAD}{"authdata":[ {"vid" : "1",\n "a":[1, {"b":"x]\\"y"}]}, {"vid":"2"} ],"output":"csv","deliverytype":"download"}}`;
    const res = await http(`${api.url}/authtoken/json`, { method: 'POST', body: text });
    expect(res.status).toBe(200);
    const lines = await readInput(api, (await res.json()).response.request_identifier);
    expect(lines).toEqual(['{"vid":"1","a":[1,{"b":"x]\\"y"}]}', '{"vid":"2"}']);
  });

  it('lists the first 100 records that are not objects, at their real index, and counts the rest (one answer, not one entry each)', async () => {
    const records = ['{"vid":"1"}', ...Array.from({ length: 20_000 }, () => '1'), '{"vid":"2"}', 'null'];
    const text = `${HEAD}{"output":"json","deliverytype":"download","mapping":{"vid":5},"authdata":[${records.join(',')}]}}`;
    const res = await http(`${api.url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    expect(res.status).toBe(422);
    const { errors } = await res.json();
    expect(errors).toHaveLength(101);
    expect(errors.slice(0, 3)).toEqual([
      { errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. request.mapping.vid: str type expected' },
      { errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. request.authdata.1: value is not a valid dict' },
      { errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. request.authdata.2: value is not a valid dict' },
    ]);
    expect(errors[99]).toEqual({ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. request.authdata.99: value is not a valid dict' });
    // 20,001 non-objects (the 20,000 ones and the null at the end), 99 of them listed
    expect(errors[100]).toEqual({ errorCode: 'ATS-REQ-102', errorMessage: 'Invalid Input. 19902 more issues not listed' });
  });
});

describe('POST authtoken/json answers every rejection as express.json did', () => {
  const limit = 4096;
  let dir: TempDir;
  let api: RunningApi;
  let reference: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    dir = await createTempDir('api-json-compat-');
    api = await startWith(dir, { MTS_MAX_JSON_BYTES: String(limit) });
    // The handler as it was: the whole body parsed by express.json, then the same envelope checks.
    const envelope = fieldMappingEnvelope();
    const app = express();
    app.post('/authtoken/json', express.json({ limit, type: () => true }), (req, res) => {
      checkSubmission(envelope, 'json', bodyOf(req));
      sendOk(res, { request_identifier: 'x' });
    });
    app.use(errorHandler(createLogger({ silent: true }), limit));
    reference = await listen(app);
  });
  afterAll(async () => {
    await reference.close();
    await api.close();
    await dir.remove();
  });

  const env = (request: string) => `${HEAD}${request}}`;
  const ok = '"output":"json","deliverytype":"download"';
  const cases: [string, string | Uint8Array | null, Record<string, string>?][] = [
    ['no body', null],
    ['an empty body', ''],
    ['whitespace', '  \n'],
    ['truncated JSON', '{"request": '],
    ['not JSON', 'hello'],
    ['a string', '"text"'],
    ['null', 'null'],
    ['an array', '[{"vid":"1"}]'],
    ['an empty array', '[]'],
    ['an empty object', '{}'],
    ['a BOM', `\ufeff${env(`{${ok},"authdata":[{"vid":"1"}]}`)}`],
    ['text after the document', `${env(`{${ok},"authdata":[{"vid":"1"}]}`)} x`],
    ['authdata a string', env(`{${ok},"authdata":"x"}`)],
    ['authdata an object', env(`{${ok},"authdata":{"vid":"1"}}`)],
    ['authdata null', env(`{${ok},"authdata":null}`)],
    ['authdata missing', env(`{${ok}}`)],
    ['authdata empty', env(`{${ok},"authdata":[]}`)],
    ['authdata with non-objects', env(`{${ok},"authdata":[1,{"vid":"1"},"s",null,[],{}]}`)],
    ['a broken record', env(`{${ok},"authdata":[{"vid":1,}]}`)],
    ['a missing comma', env(`{${ok},"authdata":[{"vid":"1"} {"vid":"2"}]}`)],
    ['schema errors around authdata', `{"version":1,"metadata":"m","requesttime":"2026-01-01T00:00:00.000Z","request":{"lang":7,"authdata":[1],"output":"json","deliverytype":"download","mapping":{"vid":5}}}`],
    ['an unknown output', env(`{"output":"xml","deliverytype":"download","authdata":[{"vid":"1"}]}`)],
    ['a bad requesttime', env(`{${ok},"authdata":[{"vid":"1"}]}`).replace('00.000Z', '00Z')],
    ['a bad outputFormat after authdata', env(`{${ok},"authdata":[{"vid":"1"}],"outputFormat":".output |"}`)],
    ['callback without properties', env(`{"output":"json","deliverytype":"callback","authdata":[{"vid":"1"}]}`)],
    ['a duplicated request key', `{"request":{"authdata":[{"vid":"1"}]},"request":{${ok}}}`],
    ['a body over the limit', env(`{${ok},"authdata":[${Array.from({ length: 100 }, (_, k) => person(k)).join(',')}]}`)],
    ['a latin-1 charset', env(`{${ok},"authdata":[{"vid":"1"}]}`), { 'content-type': 'application/json; charset=latin1' }],
    ['an unknown content encoding', env(`{${ok},"authdata":[{"vid":"1"}]}`), { 'content-encoding': 'zz' }],
    ['a gzipped body', gzipSync(env(`{${ok},"authdata":[{"vid":"1"}]}`)), { 'content-encoding': 'gzip' }],
    ['a valid request', env(`{${ok},"authdata":[{"vid":"1"},{"vid":"2"}]}`)],
  ];

  it.each(cases)('%s', async (_label, body, headers = {}) => {
    const send = async (url: string) => {
      const res = await http(`${url}/authtoken/json`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, ...(body === null ? {} : { body }) });
      const answer = await res.json();
      return { status: res.status, errors: answer.errors, accepted: typeof answer.response?.request_identifier === 'string' };
    };
    const [was, now] = [await send(reference.url), await send(api.url)];
    expect(now).toEqual(was);
  });

  it('answers a chunked body over the limit with 413 ATS-REQ-105 and keeps no file', async () => {
    const before = (await import('node:fs/promises')).readdir(join(dir.path, 'files'));
    const chunk = new TextEncoder().encode(`${person(1)},`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode(`${HEAD}{${ok},"authdata":[`)),
      pull: (c) => (sent++ < 200 ? c.enqueue(chunk) : c.close()),
    });
    const res = await http(`${api.url}/authtoken/json`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).errors).toEqual([{ errorCode: 'ATS-REQ-105', errorMessage: 'Invalid Input. Body exceeds the size limit' }]);
    expect(await (await import('node:fs/promises')).readdir(join(dir.path, 'files'))).toEqual(await before);
  });
});
