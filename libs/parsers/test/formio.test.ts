import { DEMO_API_KEY, DEMO_FORM_ID, DEMO_USER, demoFormioData, startFormioStandin, type RunningFormioStandin } from '@mts/formio-standin';
import type { FormioConfig } from '@mts/envelope';
import { FormioError, planFormioPull, pullFormioSubmissions, type ParsedRecord } from '../src/index.js';
import { codesOf, collect, dataOf } from './helpers.js';

const demo = demoFormioData({ count: 14 }); // drafts at positions 6 and 12; created ties at 3/4, 7/8, 11/12
let formio: RunningFormioStandin;
let config: FormioConfig;

beforeAll(async () => {
  formio = await startFormioStandin(demo);
  config = { baseurl: formio.url, formPath: 'registration', auth: { type: 'login', ...DEMO_USER }, pageSize: 4 };
});
afterAll(() => formio.close());
beforeEach(() => formio.clearRequests());

const pull = (extra: Partial<FormioConfig> = {}, options = {}) => collect(pullFormioSubmissions({ ...config, ...extra }, options));
const listCalls = () => formio.requests().filter((r) => r.path.endsWith('/submission'));
/** The demo's submissions in listing order (created, then _id): what the positions refer to. */
const listed = [...demo.submissions].sort((a, b) => a.created!.localeCompare(b.created!) || a._id!.localeCompare(b._id!));
const expectedRecords = (from = 0, to = listed.length) =>
  listed.slice(from, to).flatMap((s, i) => (s.state === 'draft' ? [] : [{ lineNo: from + i + 1, data: s.data }]));

async function failure(promise: Promise<unknown>): Promise<FormioError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof FormioError) return e;
    throw e;
  }
  throw new Error('expected a FormioError');
}

describe('pullFormioSubmissions against the Form.io stand-in', () => {
  it('logs in, then pages with limit/skip sorted on created,_id until Content-Range reaches the total; drafts skipped, positions kept', async () => {
    const recs = await pull();
    expect(recs).toEqual(expectedRecords());
    expect(recs.map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14]);
    const calls = formio.requests();
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/user/login', status: 200 });
    expect(listCalls().map((r) => [r.query.skip, r.query.limit, r.query.sort, r.status, r.auth])).toEqual([
      ['0', '4', 'created,_id', 206, 'jwt'],
      ['4', '4', 'created,_id', 206, 'jwt'],
      ['8', '4', 'created,_id', 206, 'jwt'],
      ['12', '4', 'created,_id', 206, 'jwt'], // the last page is a 206 too; its Content-Range (12-13/14) ends the listing
    ]);
  });

  it('gives every submission the same line number on every read (the sort makes positions stable)', async () => {
    const a = await pull({ pageSize: 3 });
    const b = await pull({ pageSize: 1000 });
    expect(a).toEqual(b);
    expect(dataOf(a).map((d) => d.vid)).toEqual(listed.filter((s) => s.state !== 'draft').map((s) => (s.data as { vid: string }).vid));
  });

  it('reads a form by id with an API key (x-token), without logging in', async () => {
    const recs = await pull({ formPath: null, formId: DEMO_FORM_ID, auth: { type: 'apiKey', apiKey: DEMO_API_KEY }, pageSize: 100 });
    expect(recs).toEqual(expectedRecords());
    expect(formio.requests().map((r) => [r.method, r.path, r.status, r.auth])).toEqual([['GET', `/form/${DEMO_FORM_ID}/submission`, 200, 'apiKey']]);
  });

  it('filters created with startdate (gte) and enddate (lt); positions count within the filtered listing', async () => {
    const recs = await pull({ startdate: '2024-01-01T02:00:00Z', enddate: '2024-01-01 08:00' });
    expect(listCalls()[0]!.query).toMatchObject({ created__gte: '2024-01-01T02:00:00.000Z', created__lt: '2024-01-01T08:00:00.000Z' });
    const inWindow = listed.filter((s) => s.created! >= '2024-01-01T02:00:00.000Z' && s.created! < '2024-01-01T08:00:00.000Z');
    expect(recs).toEqual(inWindow.flatMap((s, i) => (s.state === 'draft' ? [] : [{ lineNo: i + 1, data: s.data }])));
  });

  it('logs in again on a 440 mid-listing and asks for the same page again: nothing lost, nothing repeated', async () => {
    let lists = 0;
    const fetchExpiring: typeof fetch = async (url, init) => {
      if (String(url).includes('/submission') && ++lists === 3) formio.expireTokens(); // before the third page
      return fetch(url, init);
    };
    const recs = await pull({}, { fetch: fetchExpiring });
    expect(recs).toEqual(expectedRecords());
    expect(formio.requests().map((r) => [r.method, r.path, r.query.skip, r.status])).toEqual([
      ['POST', '/user/login', undefined, 200],
      ['GET', '/registration/submission', '0', 206],
      ['GET', '/registration/submission', '4', 206],
      ['GET', '/registration/submission', '8', 440],
      ['POST', '/user/login', undefined, 200],
      ['GET', '/registration/submission', '8', 206],
      ['GET', '/registration/submission', '12', 206],
    ]);
  });

  it('gives up with FORMIO_AUTH_FAILED when a fresh login is answered 440 again', async () => {
    const fetchAlwaysExpired: typeof fetch = async (url, init) => {
      if (String(url).includes('/submission')) formio.expireTokens();
      return fetch(url, init);
    };
    const e = await failure(pull({}, { fetch: fetchAlwaysExpired }));
    expect([e.code, e.status, e.retryable]).toEqual(['FORMIO_AUTH_FAILED', 440, false]);
    expect(formio.requests().filter((r) => r.path === '/user/login')).toHaveLength(2);
  });

  it.each([
    ['a wrong password', { auth: { type: 'login' as const, email: DEMO_USER.email, password: 'wrong-secret-pw' } }, 401],
    ['a wrong API key', { auth: { type: 'apiKey' as const, apiKey: 'wrong-secret-key' } }, 401],
  ])('refuses %s with FORMIO_AUTH_FAILED, not retryable, without echoing it', async (_name, extra, status) => {
    const e = await failure(pull(extra));
    expect([e.code, e.status, e.retryable]).toEqual(['FORMIO_AUTH_FAILED', status, false]);
    expect(`${e.message} ${JSON.stringify(e)}`).not.toMatch(/wrong-secret/);
  });

  it('maps 400 Bad Token to FORMIO_AUTH_FAILED', async () => {
    const forging: typeof fetch = async (url, init) => {
      const headers = new Headers(init?.headers);
      if (headers.has('x-jwt-token')) headers.set('x-jwt-token', 'not.a.token');
      return fetch(url, { ...init, headers });
    };
    const e = await failure(pull({}, { fetch: forging }));
    expect([e.code, e.status, e.message]).toEqual(['FORMIO_AUTH_FAILED', 400, 'Form.io answered 400 to the submissions request: Bad Token']);
  });

  it('reports an unknown form as FORMIO_FORM_NOT_FOUND, an empty one as FORMIO_NO_SUBMISSIONS (unless allowEmpty)', async () => {
    expect((await failure(pull({ formPath: 'nope' }))).code).toBe('FORMIO_FORM_NOT_FOUND');
    expect((await failure(pull({ formPath: 'empty' }))).code).toBe('FORMIO_NO_SUBMISSIONS');
    expect(await pull({ formPath: 'empty' }, { allowEmpty: true })).toEqual([]);
    expect((await failure(pull({ startdate: '2030-01-01' }))).code).toBe('FORMIO_NO_SUBMISSIONS');
  });

  it('marks 503, 429, dropped connections, timeouts and an unreachable host retryable', async () => {
    formio.failNext(1, { path: '/registration/submission' });
    expect(await failure(pull())).toMatchObject({ code: 'FORMIO_SERVER_ERROR', status: 503, retryable: true });
    formio.failNext(1, { status: 429, path: '/registration/submission' });
    expect(await failure(pull())).toMatchObject({ code: 'FORMIO_RATE_LIMITED', retryable: true });
    formio.injectFault({ path: '/registration/submission', destroy: true });
    expect(await failure(pull())).toMatchObject({ code: 'FORMIO_NETWORK', retryable: true });
    formio.injectFault({ path: '/user/login', delayMs: 2000 });
    expect(await failure(pull({}, { timeoutMs: 100 }))).toMatchObject({ code: 'FORMIO_TIMEOUT', retryable: true });
    expect(await failure(pull({ baseurl: 'http://127.0.0.1:1' }))).toMatchObject({ code: 'FORMIO_NETWORK', retryable: true });
  });

  it('turns a submission without a data object, or nested too deep, into an error record; the others still come', async () => {
    let deep: Record<string, unknown> = { vid: 'x' };
    for (let i = 0; i < 70; i++) deep = { a: deep };
    const odd = await startFormioStandin({
      apiKeys: ['k'],
      forms: [{ _id: 'f0f0000000000000000000aa', path: 'odd' }],
      submissions: [
        { form: 'odd', data: { vid: '1' }, created: '2024-01-01T00:00:00Z' },
        { form: 'odd', data: null, created: '2024-01-01T01:00:00Z' },
        { form: 'odd', data: ['not', 'an', 'object'], created: '2024-01-01T02:00:00Z' },
        { form: 'odd', data: deep, created: '2024-01-01T03:00:00Z' },
        { form: 'odd', data: { vid: '5', grid: [{ x: 1 }] }, created: '2024-01-01T04:00:00Z' },
      ],
    });
    try {
      const recs: ParsedRecord[] = await collect(pullFormioSubmissions({ baseurl: odd.url, formPath: 'odd', auth: { type: 'apiKey', apiKey: 'k' } }));
      expect(codesOf(recs)).toEqual([[2, 'FORMIO_NO_DATA'], [3, 'FORMIO_NO_DATA'], [4, 'FORMIO_RECORD_TOO_DEEP']]);
      expect(recs.filter((r) => 'data' in r)).toEqual([{ lineNo: 1, data: { vid: '1' } }, { lineNo: 5, data: { vid: '5', grid: [{ x: 1 }] } }]);
    } finally {
      await odd.close();
    }
  });

  it('refuses a server that does not honour skip instead of looping, and one that redirects', async () => {
    const page = JSON.stringify([{ _id: '1', data: { vid: '1' } }, { _id: '2', data: { vid: '2' } }]);
    const stuck: typeof fetch = async () => new Response(page, { status: 206, headers: { 'content-range': '0-1/10', 'content-type': 'application/json' } });
    const e = await failure(pull({ auth: { type: 'apiKey', apiKey: 'k' }, pageSize: 2 }, { fetch: stuck }));
    expect(e.code).toBe('FORMIO_BAD_RESPONSE');
    const moved: typeof fetch = async () => new Response('', { status: 302, headers: { location: 'https://elsewhere.example' } });
    expect((await failure(pull({}, { fetch: moved }))).code).toBe('FORMIO_REQUEST_REJECTED');
    const html: typeof fetch = async () => new Response('<html>proxy</html>', { status: 200 });
    expect((await failure(pull({ auth: { type: 'apiKey', apiKey: 'k' } }, { fetch: html }))).code).toBe('FORMIO_BAD_RESPONSE');
  });

  it('keeps going when the server caps limit below pageSize (short pages that Content-Range says are not the end)', async () => {
    const capped: typeof fetch = (url, init) => fetch(String(url).replace(/([?&]limit=)\d+/, '$12'), init);
    expect(await pull({ pageSize: 5 }, { fetch: capped })).toEqual(expectedRecords());
    expect(listCalls().map((r) => r.query.skip)).toEqual(['0', '2', '4', '6', '8', '10', '12']);
  });

  it('ends at a 416 (the listing shrank under it) without an error', async () => {
    let n = 0;
    const shrinking: typeof fetch = async (url, init) => {
      if (String(url).includes('/submission') && ++n === 2) return new Response('[]', { status: 416, headers: { 'content-range': '*/3' } });
      return fetch(url, init);
    };
    expect(await pull({}, { fetch: shrinking })).toEqual(expectedRecords(0, 4));
  });

  it('checks the config first (ATS-REQ-05x as mtsCode) and makes no call', async () => {
    const e = await failure(pull({ formId: DEMO_FORM_ID }));
    expect([e.code, e.mtsCode]).toEqual(['FORMIO_CONFIG_INVALID', 'ATS-REQ-052']);
    expect(formio.requests()).toEqual([]);
    expect(planFormioPull({ baseurl: 'https://p.example/proj/', formPath: '/intake/reg/', auth: { type: 'apiKey', apiKey: 'k' } }).listUrl).toBe(
      'https://p.example/proj/intake/reg/submission',
    );
  });
});
